package dev.picrust.hook;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One hook as registered. {@code matcher} is anchored: it must match the whole match target
 * ({@code Bash} matches {@code Bash}, not {@code MyBash}).
 */
public record HookRegistration(String name, HookEvent event, Pattern matcher, Duration timeout,
                               FailurePolicy failurePolicy, Hook hook) {
    public HookRegistration {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(matcher, "matcher");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(failurePolicy, "failurePolicy");
        Objects.requireNonNull(hook, "hook");
    }

    /** True if this hook runs for {@code input}. Events without a match target run every hook. */
    public boolean appliesTo(HookInput input) {
        return input.event() == event
                && input.matchTarget().map(t -> matcher.matcher(t).matches()).orElse(true);
    }

    /**
     * Compiles a matcher as written in code or settings: empty or {@code *} means everything;
     * anything else is a Java regex that must match the whole target.
     */
    public static Pattern compileMatcher(String matcher) {
        String m = matcher.strip();
        if (m.isEmpty() || m.equals("*")) {
            return Pattern.compile(".*", Pattern.DOTALL);
        }
        return Pattern.compile(m);
    }
}
