package dev.picrust.permission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A permission request or question the agent is waiting on, as written to the session before it
 * waits so that a resumed agent raises the same request (same {@code requestId}) again.
 *
 * <p>{@code input} is the tool input for a permission request and the questions array for a
 * question. {@code reason} is what the request says to the human. {@code hookRuling} is what the
 * PreToolUse hooks said about the call, kept so that a request a hook's "ask" raised is still an ask
 * when the agent is resumed (the hooks are not run twice for one call).
 */
public record PendingRequest(String requestId, Kind kind, String toolUseId, String toolName, JsonNode input,
                             String reason, Instant createdAt, Optional<Instant> deadline,
                             Optional<HookRuling> hookRuling) {

    public enum Kind {
        PERMISSION("permission"), QUESTION("question");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Kind fromWire(String s) {
            for (Kind k : values()) {
                if (k.wireName.equals(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown pending request kind: " + s);
        }
    }

    public PendingRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(toolUseId, "toolUseId");
        Objects.requireNonNull(toolName, "toolName");
        input = input.deepCopy();
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(hookRuling, "hookRuling");
    }

    public PendingRequest(String requestId, Kind kind, String toolUseId, String toolName, JsonNode input,
                          String reason, Instant createdAt, Optional<Instant> deadline) {
        this(requestId, kind, toolUseId, toolName, input, reason, createdAt, deadline, Optional.empty());
    }

    /** This request, remembering what the call's PreToolUse hooks ruled. */
    public PendingRequest withHookRuling(Optional<HookRuling> ruling) {
        return new PendingRequest(requestId, kind, toolUseId, toolName, input, reason, createdAt, deadline, ruling);
    }

    /** A new permission request with a fresh id; {@code timeout} (if any) sets the deadline. */
    public static PendingRequest permission(String toolUseId, String toolName, JsonNode input, String reason,
                                            Instant now, Optional<Duration> timeout) {
        return new PendingRequest(newId(), Kind.PERMISSION, toolUseId, toolName, input, reason, now,
                timeout.map(now::plus));
    }

    /** A new question (AskUserQuestion) with a fresh id. */
    public static PendingRequest question(String toolUseId, JsonNode questions, Instant now,
                                          Optional<Duration> timeout) {
        return new PendingRequest(newId(), Kind.QUESTION, toolUseId, "AskUserQuestion", questions, "", now,
                timeout.map(now::plus));
    }

    public static String newId() {
        return "req_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Override
    public JsonNode input() {
        return input.deepCopy();
    }

    public boolean isExpired(Instant now) {
        return deadline.map(d -> !now.isBefore(d)).orElse(false);
    }

    /** Time left before the deadline (zero if passed); empty if the request waits forever. */
    public Optional<Duration> remaining(Instant now) {
        return deadline.map(d -> now.isBefore(d) ? Duration.between(now, d) : Duration.ZERO);
    }

    /** The deny to apply when nobody answered before the deadline. */
    public PermissionDecision.Deny timeoutDenial() {
        return new PermissionDecision.Deny("Nobody answered the permission request for " + toolName
                + deadline.map(d -> " before its deadline (" + d + ")").orElse("")
                + ", so it was denied.", new DecisionSource.Timeout());
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("request_id", requestId);
        n.put("kind", kind.wireName());
        n.put("tool_use_id", toolUseId);
        n.put("tool_name", toolName);
        n.set("input", input.deepCopy());
        n.put("reason", reason);
        n.put("created_at", createdAt.toString());
        deadline.ifPresent(d -> n.put("deadline", d.toString()));
        hookRuling.ifPresent(h -> n.putObject("hook_ruling").put("behavior", h.behavior().wireName())
                .put("reason", h.reason()).put("hooks", h.hooks()));
        return n;
    }

    public static PendingRequest fromJson(JsonNode n) {
        return new PendingRequest(text(n, "request_id"), Kind.fromWire(text(n, "kind")), text(n, "tool_use_id"),
                text(n, "tool_name"), n.hasNonNull("input") ? n.get("input") : Json.object(),
                n.path("reason").asText(""), Instant.parse(text(n, "created_at")),
                n.hasNonNull("deadline") ? Optional.of(Instant.parse(n.get("deadline").asText())) : Optional.empty(),
                hookRuling(n.path("hook_ruling")));
    }

    private static Optional<HookRuling> hookRuling(JsonNode h) {
        if (!h.isObject()) {
            return Optional.empty();
        }
        // A ruling that cannot be read back stays an ask: the request was raised for a human, and
        // the answer must still come from one.
        PermissionBehavior behavior = PermissionBehavior.parse(h.path("behavior").asText()).orElse(PermissionBehavior.ASK);
        return Optional.of(new HookRuling(behavior, h.path("reason").asText(""), h.path("hooks").asText("")));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("pending request without \"" + field + "\": " + n);
        }
        return v.asText();
    }
}
