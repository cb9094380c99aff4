package dev.picrust.hook;

import java.util.Optional;

/**
 * The points of the agent loop where hooks run. The wire name is the one used in settings files and
 * in the JSON a command hook receives ({@code hook_event_name}).
 */
public enum HookEvent {
    /** A user prompt is about to start a turn. Guard: deny rejects the prompt. */
    USER_PROMPT_SUBMIT("UserPromptSubmit", Kind.GUARD),
    /** A tool call is about to run, before permission rules. Guard: allow, ask, deny, rewrite input. */
    PRE_TOOL_USE("PreToolUse", Kind.GUARD),
    /** A tool returned a successful result. */
    POST_TOOL_USE("PostToolUse", Kind.OBSERVER),
    /** A tool returned an error result ({@code isError}). */
    POST_TOOL_USE_FAILURE("PostToolUseFailure", Kind.OBSERVER),
    /** A tool threw, timed out, or was killed. */
    TOOL_ERROR("ToolError", Kind.OBSERVER),
    /** A request is about to go to the model. Guard: deny skips the call; may replace the request. */
    PRE_LLM_CALL("PreLLMCall", Kind.GUARD),
    /** A model response arrived (with usage). */
    POST_LLM_CALL("PostLLMCall", Kind.OBSERVER),
    /**
     * An assistant message was appended to the session; fires before any of its tool calls run
     * (their results come with PostToolUse and the next PreLLMCall).
     */
    POST_ASSISTANT_RESPONSE("PostAssistantResponse", Kind.OBSERVER),
    /** The turn is about to end. Deny means "keep working" (bounded by {@link StopGuard}). */
    STOP("Stop", Kind.STOP),
    /** A session starts: new or resumed. */
    SESSION_START("SessionStart", Kind.OBSERVER),
    /** A session ends (agent shut down). */
    SESSION_END("SessionEnd", Kind.OBSERVER),
    /** A subagent is about to start. Guard: deny refuses to start it. */
    SUBAGENT_START("SubagentStart", Kind.GUARD),
    /** A subagent is about to finish. Deny means "keep working" (bounded by {@link StopGuard}). */
    SUBAGENT_STOP("SubagentStop", Kind.STOP),
    /** The history is about to be compacted (summarised). Guard: deny skips this compaction. */
    PRE_COMPACT("PreCompact", Kind.GUARD),
    /** The history was compacted; the input carries the summary. */
    POST_COMPACT("PostCompact", Kind.OBSERVER);

    /** How an event's deny is read, and what a fail-closed hook failure does. */
    public enum Kind {
        /** Guards an action: deny blocks it; a fail-closed failure blocks it too. */
        GUARD,
        /** Only observes: a fail-closed failure stops the agent. */
        OBSERVER,
        /** Ends a turn: deny keeps the agent working; a failure never does. */
        STOP
    }

    private final String wireName;
    private final Kind kind;

    HookEvent(String wireName, Kind kind) {
        this.wireName = wireName;
        this.kind = kind;
    }

    public String wireName() {
        return wireName;
    }

    public Kind kind() {
        return kind;
    }

    /** Events about one tool call, whose matcher is tested against the tool name. */
    public boolean isToolEvent() {
        return this == PRE_TOOL_USE || this == POST_TOOL_USE || this == POST_TOOL_USE_FAILURE || this == TOOL_ERROR;
    }

    /** Closed for {@link #PRE_TOOL_USE} (a broken guard must not let calls through), open elsewhere. */
    public FailurePolicy defaultFailurePolicy() {
        return this == PRE_TOOL_USE ? FailurePolicy.FAIL_CLOSED : FailurePolicy.FAIL_OPEN;
    }

    public static Optional<HookEvent> fromWire(String name) {
        for (HookEvent e : values()) {
            if (e.wireName.equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
