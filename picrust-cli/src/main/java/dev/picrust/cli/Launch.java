package dev.picrust.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.session.SessionMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a CLI session was started, kept in its metadata (custom key {@value #KEY}) so that resuming it
 * brings it back as it was: same folder, provider, model, role, permission mode and rules, limits.
 * Options given again on the command line override what is stored, and the resume says which were used.
 */
record Launch(Path workingDirectory, String provider, Optional<String> model, Optional<String> system,
              Optional<String> permissionMode, List<String> allow, List<String> ask, List<String> deny,
              int maxIterations, int maxTokens, boolean streaming) {
    static final String KEY = "cli";

    Launch {
        allow = List.copyOf(allow);
        ask = List.copyOf(ask);
        deny = List.copyOf(deny);
    }

    ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("cwd", workingDirectory.toString()).put("provider", provider);
        model.ifPresent(m -> n.put("model", m));
        system.ifPresent(s -> n.put("system", s));
        permissionMode.ifPresent(m -> n.put("permission_mode", m));
        n.set("allow", strings(allow));
        n.set("ask", strings(ask));
        n.set("deny", strings(deny));
        n.put("max_iterations", maxIterations).put("max_tokens", maxTokens).put("streaming", streaming);
        return n;
    }

    /** The launch stored with a session, if it was started by this CLI (older sessions have none). */
    static Optional<Launch> of(SessionMetadata metadata) {
        JsonNode n = metadata.custom().get(KEY);
        if (n == null || !n.path("cwd").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new Launch(Path.of(n.path("cwd").asText()), n.path("provider").asText("anthropic"),
                text(n, "model"), text(n, "system"), text(n, "permission_mode"), list(n, "allow"), list(n, "ask"),
                list(n, "deny"), n.path("max_iterations").asInt(50), n.path("max_tokens").asInt(8192),
                n.path("streaming").asBoolean(true)));
    }

    private static Optional<String> text(JsonNode n, String field) {
        return n.path(field).isTextual() ? Optional.of(n.get(field).asText()) : Optional.empty();
    }

    private static List<String> list(JsonNode n, String field) {
        List<String> values = new ArrayList<>();
        n.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = Json.array();
        values.forEach(array::add);
        return array;
    }
}
