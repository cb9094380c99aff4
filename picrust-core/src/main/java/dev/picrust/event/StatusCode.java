package dev.picrust.event;

import java.util.Optional;

/** What a {@code status} chunk reports: machine-readable, with a human message beside it. */
public enum StatusCode {
    /** The provider is retrying the current call: discard its partial output. */
    RETRY("retry"),
    MAX_ITERATIONS("max_iterations"),
    MAX_TOKENS("max_tokens"),
    REFUSAL("refusal"),
    INTERRUPTED("interrupted"),
    /** A hook asked to stop the turn. */
    STOPPED("stopped"),
    /** Stop hooks asked to continue too many times in a row. */
    STOP_HOOK_LIMIT("stop_hook_limit"),
    /** A tool call was cut off before its input was complete and was not run. */
    TOOL_CALL_TRUNCATED("tool_call_truncated"),
    /** A hook failed (timeout, crash, invalid output). */
    HOOK_FAILED("hook_failed"),
    /** Results were added for tool calls a crash left unanswered. */
    REPAIRED("repaired"),
    /** Loading the session skipped or repaired damaged lines. */
    SESSION_REPAIRED("session_repaired"),
    /** Input sent during the turn was delivered with the tool results. */
    STEERED("steered"),
    /** A budget is used up: the turn ends before the next model call ({@code budget_exceeded}). */
    BUDGET_EXCEEDED("budget_exceeded"),
    /** Input that arrived before the agent stopped was saved unprocessed. */
    INPUT_KEPT("input_kept"),
    /** A model switch asked for through the handle took effect: this turn runs on the new model. */
    MODEL_SWITCHED("model_switched"),
    /** The history is being summarised to fit the model's context window (a model call runs). */
    COMPACTING("compacting"),
    /** The history was summarised; the conversation goes on from the summary and the recent messages. */
    COMPACTED("compacted"),
    /** Summarising failed or was refused by a hook; the history is untouched. */
    COMPACTION_FAILED("compaction_failed");

    private final String wireName;

    StatusCode(String wireName) {
        this.wireName = wireName;
    }

    /** The JSON form (docs/OUTPUT.md). */
    public String wireName() {
        return wireName;
    }

    public static Optional<StatusCode> fromWireName(String name) {
        for (StatusCode c : values()) {
            if (c.wireName.equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
