package dev.picrust.hook;

import dev.picrust.permission.PermissionMode;
import java.nio.file.Path;
import java.util.Objects;

/** What every hook input carries: whose session, which agent type, where, and in which permission mode. */
public record HookContext(String sessionId, String agentType, Path workingDirectory, PermissionMode permissionMode) {
    public HookContext {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(agentType, "agentType");
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(permissionMode, "permissionMode");
    }
}
