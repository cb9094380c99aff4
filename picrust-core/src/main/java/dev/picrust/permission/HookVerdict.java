package dev.picrust.permission;

import java.util.Objects;

/**
 * The combined allow/ask/deny of the PreToolUse hooks for one call, handed to
 * {@link PermissionPolicy#decide}. {@code hooks} names the hooks that said it.
 */
public record HookVerdict(PermissionBehavior behavior, String reason, String hooks) {
    public HookVerdict {
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(hooks, "hooks");
    }
}
