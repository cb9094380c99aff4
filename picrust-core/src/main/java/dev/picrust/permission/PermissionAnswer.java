package dev.picrust.permission;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A human's answer to a permission request. An "always" answer names the tier to save to and,
 * optionally, the rules to save; without rules, {@link PermissionRule#suggest} picks them.
 */
public record PermissionAnswer(boolean allowed, Optional<PermissionTier> remember, List<PermissionRule> rules,
                               Optional<String> message) {
    public PermissionAnswer {
        Objects.requireNonNull(remember, "remember");
        rules = List.copyOf(rules);
        Objects.requireNonNull(message, "message");
        if (remember.isPresent() && remember.get() == PermissionTier.CONFIG) {
            throw new IllegalArgumentException("answers cannot be saved to config rules; use session, local or global");
        }
    }

    public static PermissionAnswer allowOnce() {
        return new PermissionAnswer(true, Optional.empty(), List.of(), Optional.empty());
    }

    /** Allow, and allow calls like this one from now on in {@code tier}. */
    public static PermissionAnswer allowAlways(PermissionTier tier) {
        return new PermissionAnswer(true, Optional.of(tier), List.of(), Optional.empty());
    }

    public static PermissionAnswer allowAlways(PermissionTier tier, List<PermissionRule> rules) {
        return new PermissionAnswer(true, Optional.of(tier), rules, Optional.empty());
    }

    /** Deny this call; {@code message} is passed to the model. */
    public static PermissionAnswer deny(String message) {
        return new PermissionAnswer(false, Optional.empty(), List.of(), Optional.of(message));
    }

    public static PermissionAnswer deny() {
        return new PermissionAnswer(false, Optional.empty(), List.of(), Optional.empty());
    }

    /** Deny, and deny {@code rules} from now on in {@code tier}. */
    public static PermissionAnswer denyAlways(PermissionTier tier, List<PermissionRule> rules, String message) {
        return new PermissionAnswer(false, Optional.of(tier), rules, Optional.of(message));
    }

    /** How the answer is named in decision records: {@code allow_once}, {@code allow_always:local}, {@code deny}. */
    public String describe() {
        String base = allowed ? (remember.isPresent() ? "allow_always" : "allow_once")
                : (remember.isPresent() ? "deny_always" : "deny");
        return remember.map(t -> base + ":" + t.wireName()).orElse(base);
    }
}
