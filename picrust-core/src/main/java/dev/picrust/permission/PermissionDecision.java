package dev.picrust.permission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.event.OutputChunk;
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

    default String wireName() {
        return switch (this) {
            case Allow a -> "allow";
            case Deny d -> "deny";
            case Ask a -> "ask";
        };
    }

    default boolean allowed() {
        return this instanceof Allow;
    }

    /** The {@code permission_decision} chunk announcing this decision. */
    default OutputChunk.PermissionDecision toChunk(String toolUseId, String toolName) {
        return new OutputChunk.PermissionDecision(toolUseId, toolName, wireName(), source().kind(), source().detail());
    }

    /** The body of a {@code permission_decision} session record ({@code AgentSession.appendRecord}). */
    default ObjectNode toRecord(String toolUseId, String toolName) {
        ObjectNode n = Json.object();
        n.put("tool_use_id", toolUseId);
        n.put("tool_name", toolName);
        n.put("decision", wireName());
        n.put("source", source().kind());
        n.put("detail", source().detail());
        n.put("reason", reason());
        return n;
    }
}
