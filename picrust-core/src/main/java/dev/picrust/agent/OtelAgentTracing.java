package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.EndReason;
import dev.picrust.hook.HookInput;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import dev.picrust.secret.Redactor;
import dev.picrust.tool.ToolResult;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link AgentTracing} on an {@link OpenTelemetry} the application configured. Names and attributes
 * are the GenAI semantic conventions' (docs/OBSERVABILITY.md cites them); content attributes (messages,
 * tool arguments and results) only with {@code traceContent}, and redacted like everything else that
 * leaves the process. Loaded only when tracing is configured.
 */
final class OtelAgentTracing implements AgentTracing {
    static final String SCOPE = "dev.picrust";

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> AGENT_NAME = AttributeKey.stringKey("gen_ai.agent.name");
    static final AttributeKey<String> CONVERSATION = AttributeKey.stringKey("gen_ai.conversation.id");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> CACHE_CREATION_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
    static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
    static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");
    static final AttributeKey<String> TOOL_ARGUMENTS = AttributeKey.stringKey("gen_ai.tool.call.arguments");
    static final AttributeKey<String> TOOL_RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<String> SYSTEM_INSTRUCTIONS = AttributeKey.stringKey("gen_ai.system_instructions");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** Not in the conventions: how a tool run ended ({@code success}, {@code error}, {@code exception}, {@code interrupted}). */
    static final AttributeKey<String> TOOL_OUTCOME = AttributeKey.stringKey("picrust.tool.outcome");
    /** Not in the conventions: why a turn ended ({@code end_turn}, {@code max_iterations}, ...). */
    static final AttributeKey<String> END_REASON = AttributeKey.stringKey("picrust.end_reason");

    private final Tracer tracer;
    private final boolean content;
    private final String agentName;
    private final String provider;
    private final String sessionId;
    /** What the agent's turns nest under: the context current where the agent was started. */
    private final Context parent;
    /** The running turn's context: what model calls and tool runs nest under (tools run on other threads). */
    private volatile Context turn;

    private OtelAgentTracing(Tracer tracer, boolean content, String agentName, String provider, String sessionId) {
        this.tracer = tracer;
        this.content = content;
        this.agentName = agentName;
        this.provider = provider;
        this.sessionId = sessionId;
        this.parent = Context.current();
        this.turn = parent;
    }

    static AgentTracing create(AgentConfig config, String sessionId) {
        OpenTelemetry otel = config.openTelemetry().orElseThrow();
        return new OtelAgentTracing(otel.getTracer(SCOPE), config.traceContent(), config.agentType(),
                providerName(config.provider().name()), sessionId);
    }

    /** The conventions' well-known provider names where ours differ. */
    static String providerName(String name) {
        return switch (name) {
            case "gemini" -> "gcp.gemini";
            default -> name;
        };
    }

    @Override
    public TraceSpan turn() {
        Span span = tracer.spanBuilder("invoke_agent " + agentName)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, "invoke_agent")
                .setAttribute(PROVIDER, provider)
                .setAttribute(AGENT_NAME, agentName)
                .setAttribute(CONVERSATION, sessionId)
                .startSpan();
        turn = parent.with(span);
        return new TraceSpan() {
            @Override
            public void endTurn(EndReason reason) {
                span.setAttribute(END_REASON, reason.wireName());
                if (reason == EndReason.ERROR) {
                    span.setAttribute(ERROR_TYPE, "_OTHER");
                    span.setStatus(StatusCode.ERROR);
                }
                turn = parent;
                span.end();
            }
        };
    }

    @Override
    public TraceSpan chat(LlmRequest request) {
        Span span = tracer.spanBuilder("chat " + request.model())
                .setParent(turn)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(OPERATION, "chat")
                .setAttribute(PROVIDER, provider)
                .setAttribute(REQUEST_MODEL, request.model())
                .setAttribute(REQUEST_MAX_TOKENS, (long) request.maxTokens())
                .setAttribute(CONVERSATION, sessionId)
                .startSpan();
        if (content) {
            span.setAttribute(INPUT_MESSAGES, redacted(messages(request.messages())));
            if (!request.system().isEmpty()) {
                ArrayNode system = Json.array();
                request.system().forEach(t -> system.addObject().put("type", "text").put("content", t.text()));
                span.setAttribute(SYSTEM_INSTRUCTIONS, redacted(system));
            }
        }
        return new TraceSpan() {
            private String error = "";

            @Override
            public void failed(Throwable e) {
                error = e instanceof LlmException l ? l.kind().name().toLowerCase(Locale.ROOT) : e.getClass().getName();
            }

            @Override
            public ModelReply endChat(ModelReply reply) {
                switch (reply) {
                    case ModelReply.Answered a -> answered(span, a.response());
                    case ModelReply.Interrupted i -> {
                        span.setAttribute(ERROR_TYPE, "cancelled");
                        span.setStatus(StatusCode.ERROR, "interrupted");
                    }
                    case ModelReply.Failed f -> {
                        span.setAttribute(ERROR_TYPE, error.isEmpty() ? "_OTHER" : error);
                        span.setStatus(StatusCode.ERROR, Redactor.shared().redact(f.message()));
                    }
                }
                span.end();
                return reply;
            }
        };
    }

    private void answered(Span span, LlmResponse response) {
        Usage usage = response.usage();
        span.setAttribute(RESPONSE_MODEL, response.model());
        if (!response.id().isEmpty()) {
            span.setAttribute(RESPONSE_ID, response.id());
        }
        span.setAttribute(FINISH_REASONS, List.of(response.stopReason().wire()));
        // The conventions count cached input in input_tokens; the providers report it apart.
        span.setAttribute(INPUT_TOKENS, usage.inputTokens() + usage.cacheReadInputTokens() + usage.cacheCreationInputTokens());
        span.setAttribute(OUTPUT_TOKENS, usage.outputTokens());
        span.setAttribute(CACHE_READ_TOKENS, usage.cacheReadInputTokens());
        span.setAttribute(CACHE_CREATION_TOKENS, usage.cacheCreationInputTokens());
        if (content) {
            ArrayNode output = Json.array();
            ObjectNode message = output.addObject().put("role", "assistant");
            message.set("parts", parts(response.content()));
            message.put("finish_reason", response.stopReason().wire());
            span.setAttribute(OUTPUT_MESSAGES, redacted(output));
        }
    }

    @Override
    public TraceSpan tool(ToolUseBlock call, JsonNode input) {
        Span span = tracer.spanBuilder("execute_tool " + call.name())
                .setParent(turn)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, "execute_tool")
                .setAttribute(PROVIDER, provider)
                .setAttribute(TOOL_NAME, call.name())
                .setAttribute(TOOL_CALL_ID, call.id())
                .setAttribute(TOOL_TYPE, "function")
                .setAttribute(CONVERSATION, sessionId)
                .startSpan();
        if (content) {
            span.setAttribute(TOOL_ARGUMENTS, redacted(input));
        }
        Scope scope = turn.with(span).makeCurrent();
        return new TraceSpan() {
            @Override
            public void endTool(ToolResult result, Optional<HookInput.ToolErrorKind> failure) {
                String outcome = failure.map(k -> k == HookInput.ToolErrorKind.KILLED ? "interrupted" : "exception")
                        .orElse(result.isError() ? "error" : "success");
                span.setAttribute(TOOL_OUTCOME, outcome);
                if (result.isError()) {
                    span.setAttribute(ERROR_TYPE, failure.isPresent() ? outcome : "tool_error");
                    span.setStatus(StatusCode.ERROR);
                }
                if (content) {
                    span.setAttribute(TOOL_RESULT, Redactor.shared().redact(text(result.content())));
                }
                scope.close();
                span.end();
            }
        };
    }

    // ---------------------------------------------------------------- content, in the conventions' message shape

    private static String redacted(JsonNode json) {
        return Redactor.shared().redact(json.toString());
    }

    private static JsonNode messages(List<Message> messages) {
        ArrayNode out = Json.array();
        for (Message m : messages) {
            boolean results = !m.content().isEmpty() && m.content().stream().allMatch(b -> b instanceof ToolResultBlock);
            ObjectNode message = out.addObject().put("role", results ? "tool" : m.role().name().toLowerCase(Locale.ROOT));
            message.set("parts", parts(m.content()));
        }
        return out;
    }

    private static ArrayNode parts(List<ContentBlock> blocks) {
        ArrayNode parts = Json.array();
        for (ContentBlock b : blocks) {
            switch (b) {
                case TextBlock t -> parts.addObject().put("type", "text").put("content", t.text());
                case ThinkingBlock t -> parts.addObject().put("type", "reasoning").put("content", t.thinking());
                case ToolUseBlock u -> parts.addObject().put("type", "tool_call").put("id", u.id()).put("name", u.name())
                        .set("arguments", u.input());
                case ToolResultBlock r -> parts.addObject().put("type", "tool_call_response").put("id", r.toolUseId())
                        .put("result", r.text());
                default -> parts.addObject().put("type", b.type());
            }
        }
        return parts;
    }

    private static String text(List<ContentBlock> blocks) {
        StringBuilder text = new StringBuilder();
        for (ContentBlock b : blocks) {
            if (b instanceof TextBlock t) {
                text.append(t.text());
            }
        }
        return text.toString();
    }
}
