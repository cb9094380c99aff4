package dev.picrust.hook;

/** What happens when a hook throws, times out, or answers with something unusable. */
public enum FailurePolicy {
    /**
     * Treat the failure as a refusal: a guard event's action is denied; on an observer event the
     * agent is stopped. Stop events are never kept alive by a failure.
     */
    FAIL_CLOSED,
    /** Carry on as if the hook had no opinion. The failure is still reported in the outcome. */
    FAIL_OPEN
}
