package dev.picrust.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.IncompleteToolUse;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmException.Kind;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds one {@link LlmResponse} from Chat Completions chunks (or from one non-streamed completion,
 * read as a single chunk whose delta is the whole message), reporting deltas as they arrive.
 *
 * <p>Tool-call fragments are assembled the way real servers need, not the way the spec reads:
 * <ul>
 * <li>calls are keyed by {@code index} in a map, never an array, because the index may start at 1
 *     (Anthropic's compatible endpoint counts content blocks) or be the same for several calls;</li>
 * <li>a fragment at an index whose call already has a different non-empty id starts a new call
 *     (Ollama sends every parallel call at index 0);</li>
 * <li>a fragment without an index continues the last call, unless it carries a new id or a name
 *     while the last call already has one (Gemini's compatible endpoint omits indexes);</li>
 * <li>{@code id} and {@code name} are set from the first non-empty value and never overwritten by
 *     the empty ones continuation fragments repeat (vLLM, Mistral); {@code type} is ignored;</li>
 * <li>arguments may arrive whole, in pieces, or not at all: they are parsed once, at the end;
 *     none is {@code {}}; arguments that do not parse after {@code finish_reason: length} make the
 *     call an {@link IncompleteToolUse} cut off, and arguments that are not a JSON object otherwise
 *     (or a call without a name) one that is malformed; neither is executed.</li>
 * </ul>
 * Whether the model asked for tools is decided from the calls assembled, not from
 * {@code finish_reason} alone (servers send {@code stop}, {@code tool_calls} or nothing). Reasoning
 * arrives as {@code reasoning_content} or {@code reasoning} and becomes a {@link ThinkingBlock}
 * with an empty signature. Usage may come in a final chunk with no choices, in any chunk, in
 * {@code x_groq.usage}, or not at all. A chunk carrying {@code error} fails the call.
 */
final class ChatAccumulator {
    private final StreamListener listener;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final List<Call> calls = new ArrayList<>();
    private final Map<Integer, Call> callsByIndex = new HashMap<>();
    private int textIndex = -1;
    private int reasoningIndex = -1;
    private int blocksSeen;
    private String id = "";
    private String model = "";
    private Usage usage = Usage.ZERO;
    private String finishReason;
    private boolean done;
    private boolean anyChunk;

    ChatAccumulator(StreamListener listener) {
        this.listener = listener;
    }

    /** True once {@code [DONE]} arrived. */
    boolean isDone() {
        return done;
    }

    /** Applies one SSE data payload: a chunk, {@code [DONE]}, or an error object. */
    void acceptData(String data) {
        if (data.strip().equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode chunk;
        try {
            chunk = Json.parse(data);
        } catch (JsonProcessingException e) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "OpenAI stream chunk is not JSON: "
                    + e.getOriginalMessage(), 0, null, false, e);
        }
        if (chunk == null || !chunk.isObject()) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "OpenAI stream chunk is not a JSON object");
        }
        acceptChunk(chunk, "delta");
    }

    /** Applies one chunk; {@code messageField} is {@code delta} for a stream, {@code message} for a whole answer. */
    void acceptChunk(JsonNode chunk, String messageField) {
        if (chunk.has("error") && !chunk.path("error").isNull()) {
            throw streamError(chunk.get("error"));
        }
        anyChunk = true;
        if (id.isEmpty() && chunk.path("id").isTextual()) {
            id = chunk.get("id").asText();
        }
        if (model.isEmpty() && chunk.path("model").isTextual()) {
            model = chunk.get("model").asText();
        }
        JsonNode usageNode = chunk.path("usage");
        if (!usageNode.isObject()) {
            usageNode = chunk.path("x_groq").path("usage");
        }
        if (usageNode.isObject()) {
            usage = usage(usageNode);
        }
        for (JsonNode choice : chunk.path("choices")) {
            // n > 1 interleaves choices; we ask for one, so only the first is ours.
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            JsonNode delta = choice.path(messageField);
            // Servers name it either way (vLLM renamed it); one that sends both means the same text.
            appendReasoning(delta.path("reasoning_content").isTextual()
                    ? delta.path("reasoning_content") : delta.path("reasoning"));
            appendText(delta.path("content"));
            if (delta.path("refusal").isTextual()) {
                refusal.append(delta.get("refusal").asText());
            }
            for (JsonNode fragment : delta.path("tool_calls")) {
                acceptFragment(fragment);
            }
            if (choice.path("finish_reason").isTextual()) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
    }

    /**
     * The finished answer.
     *
     * @throws LlmException (retryable) when the stream ended before the answer did
     */
    LlmResponse finish() {
        if (!done && finishReason == null) {
            throw new LlmException(Kind.STREAM_ERROR, anyChunk
                    ? "OpenAI stream ended before the answer was complete" : "OpenAI stream ended without any chunk",
                    0, null, true, null);
        }
        List<ContentBlock> content = new ArrayList<>();
        if (!reasoning.isEmpty()) {
            content.add(new ThinkingBlock(reasoning.toString(), ""));
        }
        String answer = text.toString() + refusal;
        if (!answer.isEmpty()) {
            content.add(new TextBlock(answer));
        }
        List<IncompleteToolUse> incomplete = new ArrayList<>();
        boolean cutOff = "length".equals(finishReason);
        for (Call call : calls) {
            String arguments = call.arguments.toString();
            IncompleteToolUse.ParsedInput input = IncompleteToolUse.parseInput(arguments);
            if (cutOff && input instanceof IncompleteToolUse.ParsedInput.Unusable) {
                incomplete.add(new IncompleteToolUse(call.id(), call.name, arguments));
            } else if (call.name.isEmpty()) {
                incomplete.add(new IncompleteToolUse(call.id(), call.name, arguments,
                        new IncompleteToolUse.Defect.Malformed("a call without a tool name")));
            } else {
                switch (input) {
                    case IncompleteToolUse.ParsedInput.Parsed parsed ->
                            content.add(new ToolUseBlock(call.id(), call.name, parsed.input()));
                    case IncompleteToolUse.ParsedInput.Unusable unusable ->
                            incomplete.add(new IncompleteToolUse(call.id(), call.name, arguments, unusable.defect()));
                }
            }
        }
        boolean calledTools = content.stream().anyMatch(ToolUseBlock.class::isInstance);
        return new LlmResponse(id, model, content, stopReason(calledTools), usage, incomplete);
    }

    private StopReason stopReason(boolean calledTools) {
        if (!refusal.isEmpty()) {
            return StopReason.REFUSAL;
        }
        String reason = finishReason == null ? "" : finishReason;
        return switch (reason) {
            case "length" -> StopReason.MAX_TOKENS;
            case "content_filter" -> StopReason.REFUSAL;
            case "stop", "tool_calls", "function_call", "" -> calledTools ? StopReason.TOOL_USE : StopReason.END_TURN;
            default -> calledTools ? StopReason.TOOL_USE : StopReason.OTHER;
        };
    }

    private void appendText(JsonNode value) {
        if (!value.isTextual() || value.asText().isEmpty()) {
            return;
        }
        if (textIndex < 0) {
            textIndex = blocksSeen++;
        }
        text.append(value.asText());
        listener.onEvent(new StreamEvent.TextDelta(textIndex, value.asText()));
    }

    private void appendReasoning(JsonNode value) {
        if (!value.isTextual() || value.asText().isEmpty()) {
            return;
        }
        if (reasoningIndex < 0) {
            reasoningIndex = blocksSeen++;
        }
        reasoning.append(value.asText());
        listener.onEvent(new StreamEvent.ThinkingDelta(reasoningIndex, value.asText()));
    }

    private void acceptFragment(JsonNode fragment) {
        String fragmentId = nonEmpty(fragment.path("id"));
        JsonNode function = fragment.path("function");
        String name = nonEmpty(function.path("name"));
        JsonNode index = fragment.get("index");
        Call call;
        if (index != null && index.canConvertToInt()) {
            call = callsByIndex.get(index.asInt());
            if (call == null || (fragmentId != null && !call.id.isEmpty() && !call.id.equals(fragmentId))) {
                call = newCall();
                callsByIndex.put(index.asInt(), call);
            }
        } else {
            call = calls.isEmpty() ? null : calls.getLast();
            boolean newId = fragmentId != null && call != null && !call.id.isEmpty() && !call.id.equals(fragmentId);
            boolean newName = fragmentId == null && name != null && call != null && !call.name.isEmpty();
            if (call == null || newId || newName) {
                call = newCall();
            }
        }
        if (fragmentId != null && call.id.isEmpty()) {
            call.id = fragmentId;
        }
        if (name != null && call.name.isEmpty()) {
            call.name = name;
            listener.onEvent(new StreamEvent.ToolUseStarted(call.position, call.id(), name));
        }
        JsonNode arguments = function.get("arguments");
        if (arguments != null && arguments.isTextual()) {
            call.arguments.append(arguments.asText());
        } else if (arguments != null && arguments.isObject()) {
            // Some servers (Ollama's native shape leaking through proxies) send the object itself.
            call.arguments.append(Json.write(arguments));
        }
    }

    private Call newCall() {
        Call call = new Call(blocksSeen++);
        calls.add(call);
        return call;
    }

    private static String nonEmpty(JsonNode value) {
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    static Usage usage(JsonNode node) {
        long prompt = node.path("prompt_tokens").asLong(0);
        long cached = node.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        // Our input count excludes cache reads, as Anthropic's does, so the two providers add up alike.
        return new Usage(Math.max(0, prompt - cached), node.path("completion_tokens").asLong(0), cached, 0);
    }

    private static LlmException streamError(JsonNode error) {
        String message = error.isTextual() ? error.asText() : error.path("message").asText("");
        String type = error.path("type").asText(error.path("code").asText(""));
        String code = error.path("code").asText("");
        boolean transientError = isTransient(type) || isTransient(code);
        return new LlmException(transientError ? Kind.SERVER_ERROR : Kind.STREAM_ERROR,
                "OpenAI stream error" + (type.isEmpty() ? "" : " " + type) + ": " + message, 0, null,
                transientError, null);
    }

    private static boolean isTransient(String type) {
        return switch (type) {
            case "server_error", "api_error", "internal_error", "overloaded_error", "overloaded",
                 "rate_limit_exceeded", "rate_limit_error", "timeout", "service_unavailable" -> true;
            default -> false;
        };
    }

    /** One tool call being assembled. */
    private static final class Call {
        final int position;
        final StringBuilder arguments = new StringBuilder();
        String id = "";
        String name = "";
        private String generatedId;

        Call(int position) {
            this.position = position;
        }

        /** The server's id, or one made up once: some servers send none, and results must name their call. */
        String id() {
            if (!id.isEmpty()) {
                return id;
            }
            if (generatedId == null) {
                generatedId = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
            }
            return generatedId;
        }
    }
}
