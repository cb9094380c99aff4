package dev.picrust.hook;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** One hook that ran for an event: its decision (empty if it failed) and how long it took. */
public record HookRun(String hookName, Optional<HookDecision> decision, Duration elapsed) {
    public HookRun {
        Objects.requireNonNull(hookName, "hookName");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
