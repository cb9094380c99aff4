package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.tool.Tool;
import java.util.Set;

/**
 * The minimal headless policy: read-only tools and explicitly allowed tool names run; everything else
 * is refused with a message that says how to allow it. {@code skipAll} allows everything.
 */
public record AllowListGate(Set<String> allowedTools, boolean skipAll) implements ToolGate {
    public AllowListGate {
        allowedTools = Set.copyOf(allowedTools);
    }

    @Override
    public Decision check(Tool tool, String toolUseId, JsonNode input) {
        if (skipAll) {
            return new Decision.Allow("mode:dangerously-skip-permissions");
        }
        if (allowedTools.contains(tool.name())) {
            return new Decision.Allow("rule:allow " + tool.name());
        }
        if (tool.readOnly()) {
            return new Decision.Allow("default:read-only");
        }
        return new Decision.Deny("Permission denied: tool '" + tool.name()
                + "' is not allowed in this headless run (allow it with --allow " + tool.name() + ")",
                "default:headless-deny");
    }
}
