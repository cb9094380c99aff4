package dev.picrust.runtime;

import dev.picrust.llm.Usage;
import java.time.Duration;
import java.util.Objects;

/**
 * How one subagent run ended.
 *
 * @param sessionId    the child's session (kept on disk, linked to the parent)
 * @param subagentType the spec it ran under
 * @param outcome      why it ended
 * @param text         its final text: the answer when completed, else whatever it last said (may be empty)
 * @param detail       for anything but {@link Outcome#COMPLETED}: what happened, in words
 * @param usage        tokens of all its model calls
 * @param elapsed      from start to end
 */
public record SubagentResult(String sessionId, String subagentType, Outcome outcome, String text, String detail,
                             Usage usage, Duration elapsed) {

    public enum Outcome {
        /** It finished its turn normally; {@code text} is its answer. */
        COMPLETED,
        /** Its model call failed, it was refused, cut off, or the agent crashed. */
        FAILED,
        /** It did not finish within the spec's timeout and was stopped. */
        TIMED_OUT,
        /** The parent's turn was interrupted (or someone interrupted the child directly). */
        INTERRUPTED,
        /** It used up its model calls ({@code maxIterations}). */
        ITERATION_CAP,
        /** Its output tokens exceeded the spec's {@code maxOutputTokens}; it was stopped. */
        TOKEN_CAP
    }

    public SubagentResult {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(subagentType, "subagentType");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    public boolean completed() {
        return outcome == Outcome.COMPLETED;
    }
}
