package dev.picrust.permission;

import dev.picrust.event.PermissionBehavior;
import java.util.Objects;

/**
 * The combined allow/ask/deny of the hooks that ran for one event (deny > ask > allow); for a
 * PreToolUse it is handed to {@link PermissionPolicy#decide}. {@code hooks} names the hooks that
 * said it.
 */
public record HookRuling(PermissionBehavior behavior, String reason, String hooks) {
    public HookRuling {
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(hooks, "hooks");
    }
}
