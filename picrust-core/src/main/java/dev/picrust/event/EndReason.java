package dev.picrust.event;

import java.util.Optional;

/** Why a turn ended: the {@code reason} of a {@code done} chunk. */
public enum EndReason {
    /** The model finished without asking for tools. */
    END_TURN("end_turn"),
    /** The turn made as many model calls as {@code maxIterations} allows. */
    MAX_ITERATIONS("max_iterations"),
    /** The model's answer was cut off at its output limit. */
    MAX_TOKENS("max_tokens"),
    /** The model refused to answer. */
    REFUSAL("refusal"),
    /** {@code interrupt()} or shutdown stopped the turn. */
    INTERRUPTED("interrupted"),
    /** A hook asked to stop. */
    STOPPED("stopped"),
    /** A hook blocked the prompt or the model call. */
    BLOCKED("blocked"),
    /**
     * A token, cost or model-call budget (of the turn, the session or the agent tree) was used up; the
     * agent stopped before its next model call. Resuming with a raised budget continues.
     */
    BUDGET_EXCEEDED("budget_exceeded"),
    /** The provider failed after its retries, or the turn failed unexpectedly. */
    ERROR("error");

    private final String wireName;

    EndReason(String wireName) {
        this.wireName = wireName;
    }

    /** The JSON form (docs/OUTPUT.md). */
    public String wireName() {
        return wireName;
    }

    public static Optional<EndReason> fromWireName(String name) {
        for (EndReason r : values()) {
            if (r.wireName.equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
