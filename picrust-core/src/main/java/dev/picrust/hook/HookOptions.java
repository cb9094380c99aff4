package dev.picrust.hook;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Optional settings of one hook registration. Absent values take the registry's defaults: a name
 * derived from the event and matcher, a 60 s timeout, and the event's default failure policy.
 */
public record HookOptions(Optional<String> name, Optional<Duration> timeout, Optional<FailurePolicy> failurePolicy) {
    public HookOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(failurePolicy, "failurePolicy");
        timeout.ifPresent(t -> {
            if (t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException("hook timeout must be positive: " + t);
            }
        });
    }

    public static HookOptions defaults() {
        return new HookOptions(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public HookOptions named(String newName) {
        return new HookOptions(Optional.of(newName), timeout, failurePolicy);
    }

    public HookOptions timeout(Duration newTimeout) {
        return new HookOptions(name, Optional.of(newTimeout), failurePolicy);
    }

    public HookOptions failurePolicy(FailurePolicy newPolicy) {
        return new HookOptions(name, timeout, Optional.of(newPolicy));
    }
}
