package dev.picrust.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.StopReason;
import dev.picrust.tool.ToolResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a hook sees: one record per {@link HookEvent}, each with the shared {@link HookContext}.
 * {@link #toJson()} is the JSON a command hook receives on stdin (snake_case, Claude Code style).
 */
public sealed interface HookInput {

    HookContext context();

    HookEvent event();

    default String sessionId() {
        return context().sessionId();
    }

    /**
     * What a hook's matcher is tested against: the tool name for tool events, the source for
     * SessionStart, the subagent type for subagent events, the trigger for compaction events.
     * Empty for events a matcher does not apply to; every hook of such an event runs.
     */
    default Optional<String> matchTarget() {
        return switch (this) {
            case PreToolUse i -> Optional.of(i.toolName());
            case PostToolUse i -> Optional.of(i.toolName());
            case PostToolUseFailure i -> Optional.of(i.toolName());
            case ToolError i -> Optional.of(i.toolName());
            case SessionStart i -> Optional.of(i.source().wireName());
            case SubagentStart i -> Optional.of(i.subagentType());
            case SubagentStop i -> Optional.of(i.subagentType());
            case PreCompact i -> Optional.of(i.trigger().wireName());
            case PostCompact i -> Optional.of(i.trigger().wireName());
            case UserPromptSubmit i -> Optional.empty();
            case PreLlmCall i -> Optional.empty();
            case PostLlmCall i -> Optional.empty();
            case PostAssistantResponse i -> Optional.empty();
            case Stop i -> Optional.empty();
            case SessionEnd i -> Optional.empty();
        };
    }

    default ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("hook_event_name", event().wireName());
        n.put("session_id", context().sessionId());
        n.put("agent_type", context().agentType());
        n.put("cwd", context().workingDirectory().toString());
        n.put("permission_mode", context().permissionMode().wireName());
        switch (this) {
            case UserPromptSubmit i -> n.put("prompt", i.prompt());
            case PreToolUse i -> toolFields(n, i.toolName(), i.toolInput(), i.toolUseId());
            case PostToolUse i -> {
                toolFields(n, i.toolName(), i.toolInput(), i.toolUseId());
                n.set("tool_response", HookJson.toolResult(i.result()));
                n.put("duration_ms", i.duration().toMillis());
            }
            case PostToolUseFailure i -> {
                toolFields(n, i.toolName(), i.toolInput(), i.toolUseId());
                n.set("tool_response", HookJson.toolResult(i.result()));
                n.put("error", i.result().text());
                n.put("duration_ms", i.duration().toMillis());
            }
            case ToolError i -> {
                toolFields(n, i.toolName(), i.toolInput(), i.toolUseId());
                n.put("error", i.error());
                n.put("error_kind", i.kind().wireName());
                n.put("duration_ms", i.duration().toMillis());
            }
            case PreLlmCall i -> {
                n.put("iteration", i.iteration());
                n.set("request", HookJson.request(i.request()));
            }
            case PostLlmCall i -> {
                n.put("iteration", i.iteration());
                n.set("response", HookJson.response(i.response()));
                n.put("duration_ms", i.duration().toMillis());
            }
            case PostAssistantResponse i -> {
                n.set("message", MessageCodec.toJson(i.message()));
                n.put("stop_reason", i.stopReason().wire());
            }
            case Stop i -> {
                n.put("stop_reason", i.stopReason().wire());
                n.put("last_assistant_message", i.lastAssistantText());
                n.put("stop_hook_active", i.stopHookActive());
            }
            case SessionStart i -> n.put("source", i.source().wireName());
            case SessionEnd i -> n.put("reason", i.reason().wireName());
            case SubagentStart i -> {
                n.put("agent_id", i.subagentSessionId());
                n.put("subagent_type", i.subagentType());
                n.put("prompt", i.prompt());
            }
            case SubagentStop i -> {
                n.put("agent_id", i.subagentSessionId());
                n.put("subagent_type", i.subagentType());
                n.put("last_assistant_message", i.lastAssistantText());
                n.put("stop_hook_active", i.stopHookActive());
            }
            case PreCompact i -> {
                n.put("trigger", i.trigger().wireName());
                i.instructions().ifPresent(s -> n.put("custom_instructions", s));
            }
            case PostCompact i -> {
                n.put("trigger", i.trigger().wireName());
                n.put("compact_summary", i.summary());
            }
        }
        return n;
    }

    private static void toolFields(ObjectNode n, String toolName, JsonNode input, String toolUseId) {
        n.put("tool_name", toolName);
        n.set("tool_input", input.deepCopy());
        n.put("tool_use_id", toolUseId);
    }

    /** Why a session (re)started. */
    enum SessionStartSource {
        STARTUP("startup"), RESUME("resume");

        private final String wireName;

        SessionStartSource(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** What started a compaction. */
    enum CompactTrigger {
        /** {@code handle.compact()}, {@code /compact}. */
        MANUAL("manual"),
        /** The next request would not fit the model's context window. */
        AUTO("auto"),
        /** The provider answered that the request was longer than the context window. */
        OVERFLOW("overflow");

        private final String wireName;

        CompactTrigger(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** Why the agent's session ended (a {@code SessionEnd} input's {@code reason}). */
    enum SessionEndReason {
        /** The agent was shut down (its handle's or the runtime's shutdown). */
        SHUTDOWN("shutdown"),
        /** The agent's loop ended without a shutdown request (a shutdown input, or a failure). */
        STOPPED("stopped");

        private final String wireName;

        SessionEndReason(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * How a tool call failed without producing a result. (Tools enforce their own time limits and
     * return an error result, so there is no "timed out" kind.)
     */
    enum ToolErrorKind {
        THREW("threw"), KILLED("killed");

        private final String wireName;

        ToolErrorKind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    record UserPromptSubmit(HookContext context, String prompt) implements HookInput {
        public UserPromptSubmit {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(prompt, "prompt");
        }

        public HookEvent event() {
            return HookEvent.USER_PROMPT_SUBMIT;
        }

        public UserPromptSubmit withPrompt(String newPrompt) {
            return new UserPromptSubmit(context, newPrompt);
        }
    }

    record PreToolUse(HookContext context, String toolName, JsonNode toolInput, String toolUseId)
            implements HookInput {
        public PreToolUse {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(toolName, "toolName");
            toolInput = toolInput.deepCopy();
            Objects.requireNonNull(toolUseId, "toolUseId");
        }

        /** A copy: hooks may not change the input behind the loop's back, only through a decision. */
        @Override
        public JsonNode toolInput() {
            return toolInput.deepCopy();
        }

        public HookEvent event() {
            return HookEvent.PRE_TOOL_USE;
        }

        public PreToolUse withToolInput(JsonNode newInput) {
            return new PreToolUse(context, toolName, newInput, toolUseId);
        }
    }

    /** The tool returned a result that is not an error. */
    record PostToolUse(HookContext context, String toolName, JsonNode toolInput, String toolUseId,
                       ToolResult result, Duration duration) implements HookInput {
        public PostToolUse {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(toolName, "toolName");
            toolInput = toolInput.deepCopy();
            Objects.requireNonNull(toolUseId, "toolUseId");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(duration, "duration");
        }

        @Override
        public JsonNode toolInput() {
            return toolInput.deepCopy();
        }

        public HookEvent event() {
            return HookEvent.POST_TOOL_USE;
        }
    }

    /** The tool returned an error result ({@code result.isError()}). */
    record PostToolUseFailure(HookContext context, String toolName, JsonNode toolInput, String toolUseId,
                              ToolResult result, Duration duration) implements HookInput {
        public PostToolUseFailure {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(toolName, "toolName");
            toolInput = toolInput.deepCopy();
            Objects.requireNonNull(toolUseId, "toolUseId");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(duration, "duration");
        }

        @Override
        public JsonNode toolInput() {
            return toolInput.deepCopy();
        }

        public HookEvent event() {
            return HookEvent.POST_TOOL_USE_FAILURE;
        }
    }

    /** The tool threw, overran its timeout, or was killed; {@code error} says what happened. */
    record ToolError(HookContext context, String toolName, JsonNode toolInput, String toolUseId,
                     ToolErrorKind kind, String error, Duration duration) implements HookInput {
        public ToolError {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(toolName, "toolName");
            toolInput = toolInput.deepCopy();
            Objects.requireNonNull(toolUseId, "toolUseId");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(duration, "duration");
        }

        @Override
        public JsonNode toolInput() {
            return toolInput.deepCopy();
        }

        public HookEvent event() {
            return HookEvent.TOOL_ERROR;
        }
    }

    /** {@code iteration} counts model calls within the turn, from 1. */
    record PreLlmCall(HookContext context, LlmRequest request, int iteration) implements HookInput {
        public PreLlmCall {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(request, "request");
        }

        public HookEvent event() {
            return HookEvent.PRE_LLM_CALL;
        }

        public PreLlmCall withRequest(LlmRequest newRequest) {
            return new PreLlmCall(context, newRequest, iteration);
        }
    }

    /** The response includes its usage (cache read/creation tokens among them). */
    record PostLlmCall(HookContext context, LlmRequest request, LlmResponse response, Duration duration,
                       int iteration) implements HookInput {
        public PostLlmCall {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(duration, "duration");
        }

        public HookEvent event() {
            return HookEvent.POST_LLM_CALL;
        }
    }

    record PostAssistantResponse(HookContext context, Message message, StopReason stopReason) implements HookInput {
        public PostAssistantResponse {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(stopReason, "stopReason");
        }

        public HookEvent event() {
            return HookEvent.POST_ASSISTANT_RESPONSE;
        }
    }

    /**
     * The turn is about to end. {@code stopHookActive} is true when the agent is already working on
     * because a Stop hook asked it to, so a hook can avoid asking forever.
     */
    record Stop(HookContext context, StopReason stopReason, String lastAssistantText, boolean stopHookActive)
            implements HookInput {
        public Stop {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(stopReason, "stopReason");
            Objects.requireNonNull(lastAssistantText, "lastAssistantText");
        }

        public HookEvent event() {
            return HookEvent.STOP;
        }
    }

    record SessionStart(HookContext context, SessionStartSource source) implements HookInput {
        public SessionStart {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(source, "source");
        }

        public HookEvent event() {
            return HookEvent.SESSION_START;
        }
    }

    record SessionEnd(HookContext context, SessionEndReason reason) implements HookInput {
        public SessionEnd {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(reason, "reason");
        }

        public HookEvent event() {
            return HookEvent.SESSION_END;
        }
    }

    /** Fired in the parent: {@code context} is the parent's; the subagent's session id is separate. */
    record SubagentStart(HookContext context, String subagentSessionId, String subagentType, String prompt)
            implements HookInput {
        public SubagentStart {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(subagentSessionId, "subagentSessionId");
            Objects.requireNonNull(subagentType, "subagentType");
            Objects.requireNonNull(prompt, "prompt");
        }

        public HookEvent event() {
            return HookEvent.SUBAGENT_START;
        }
    }

    record SubagentStop(HookContext context, String subagentSessionId, String subagentType,
                        String lastAssistantText, boolean stopHookActive) implements HookInput {
        public SubagentStop {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(subagentSessionId, "subagentSessionId");
            Objects.requireNonNull(subagentType, "subagentType");
            Objects.requireNonNull(lastAssistantText, "lastAssistantText");
        }

        public HookEvent event() {
            return HookEvent.SUBAGENT_STOP;
        }
    }

    /** {@code instructions}: what the person asking for a manual compaction wants the summary to focus on. */
    record PreCompact(HookContext context, CompactTrigger trigger, Optional<String> instructions)
            implements HookInput {
        public PreCompact {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(trigger, "trigger");
            Objects.requireNonNull(instructions, "instructions");
        }

        public HookEvent event() {
            return HookEvent.PRE_COMPACT;
        }
    }

    record PostCompact(HookContext context, CompactTrigger trigger, String summary) implements HookInput {
        public PostCompact {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(trigger, "trigger");
            Objects.requireNonNull(summary, "summary");
        }

        public HookEvent event() {
            return HookEvent.POST_COMPACT;
        }
    }
}
