package dev.picrust.permission;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One tool call to decide. {@code input} is the input after PreToolUse hooks rewrote it;
 * {@code readOnly} comes from {@code Tool.readOnly()} (false for unknown tools); {@code hookRuling}
 * is the PreToolUse hooks' combined allow/ask/deny, if any ({@code HookOutcome.ruling()}).
 */
public record PermissionQuery(String toolName, JsonNode input, boolean readOnly, Path workingDirectory,
                              String agentType, PermissionMode mode, Optional<HookRuling> hookRuling) {
    public PermissionQuery {
        Objects.requireNonNull(toolName, "toolName");
        input = input.deepCopy();
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        workingDirectory = workingDirectory.toAbsolutePath().normalize();
        Objects.requireNonNull(agentType, "agentType");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(hookRuling, "hookRuling");
    }

    public PermissionQuery(String toolName, JsonNode input, boolean readOnly, Path workingDirectory,
                           String agentType, PermissionMode mode) {
        this(toolName, input, readOnly, workingDirectory, agentType, mode, Optional.empty());
    }

    @Override
    public JsonNode input() {
        return input.deepCopy();
    }

    public PermissionQuery withHookRuling(Optional<HookRuling> ruling) {
        return new PermissionQuery(toolName, input, readOnly, workingDirectory, agentType, mode, ruling);
    }

    public PermissionQuery withMode(PermissionMode newMode) {
        return new PermissionQuery(toolName, input, readOnly, workingDirectory, agentType, newMode, hookRuling);
    }
}
