package dev.picrust.permission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import java.util.Objects;

/**
 * The answer for one tool call. {@code reason} is written for the model: for a deny it is the
 * tool result the model sees. Every decision names its {@link DecisionSource}.
 */
public sealed interface PermissionDecision {

    String reason();

    DecisionSource source();

    record Allow(String reason, DecisionSource source) implements PermissionDecision {
        public Allow {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(source, "source");
        }
    }

    record Deny(String reason, DecisionSource source) implements PermissionDecision {
        public Deny {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(source, "source");
        }
    }

    /** A human must decide. If nobody can, use {@link #withoutAnswerer()}. */
    record Ask(String reason, DecisionSource source) implements PermissionDecision {
        public Ask {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(source, "source");
        }

        /** The deny to use when no one can answer (no subscriber that answers, no terminal). */
        public Deny withoutAnswerer() {
            return new Deny(reason + " Nobody is available to approve it, so it was denied. To let this agent"
                    + " run it unattended, add an allow rule (settings \"permissions.allow\", --allow, or"
                    + " `picrust permissions add`).", new DecisionSource.NoAnswerer());
        }
    }

    default PermissionBehavior behavior() {
        return switch (this) {
            case Allow a -> PermissionBehavior.ALLOW;
            case Deny d -> PermissionBehavior.DENY;
            case Ask a -> PermissionBehavior.ASK;
        };
    }

    default boolean allowed() {
        return this instanceof Allow;
    }

    /** The {@code permission_decision} chunk announcing this decision. */
    default OutputChunk.PermissionDecided toChunk(String toolUseId, String toolName) {
        return new OutputChunk.PermissionDecided(toolUseId, toolName, behavior(), source().kind(), source().detail());
    }

    /** The body of a {@code permission_decision} session record ({@code AgentSession.appendRecord}). */
    default ObjectNode toRecord(String toolUseId, String toolName) {
        ObjectNode n = Json.object();
        n.put("tool_use_id", toolUseId);
        n.put("tool_name", toolName);
        n.put("decision", behavior().wireName());
        n.put("source", source().kind().wireName());
        n.put("detail", source().detail());
        n.put("reason", reason());
        return n;
    }
}
