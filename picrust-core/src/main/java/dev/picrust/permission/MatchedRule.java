package dev.picrust.permission;

import dev.picrust.event.PermissionBehavior;
import java.util.Objects;

/** A rule that decided a call, with where it lives. */
public record MatchedRule(PermissionRule rule, PermissionBehavior behavior, PermissionTier tier) {
    public MatchedRule {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(tier, "tier");
    }

    /** {@code Bash(git:*) [global]}. */
    @Override
    public String toString() {
        return rule + " [" + tier.wireName() + "]";
    }
}
