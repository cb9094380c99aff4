package dev.picrust.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What {@code metadata.json} holds about a session. */
public record SessionMetadata(String id, String agentType, String name, String description, String model,
                              String provider, Instant createdAt, Instant updatedAt, Optional<String> parentId,
                              List<String> children, Map<String, JsonNode> custom) {
    public SessionMetadata {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(agentType, "agentType");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(parentId, "parentId");
        children = List.copyOf(children);
        custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
    }

    /** A fresh top-level session's metadata. */
    public static SessionMetadata create(String id, String agentType, String model, String provider) {
        Instant now = Instant.now();
        return new SessionMetadata(id, agentType, agentType, "", model, provider, now, now, Optional.empty(),
                List.of(), Map.of());
    }

    public SessionMetadata withName(String newName) {
        return new SessionMetadata(id, agentType, newName, description, model, provider, createdAt, updatedAt,
                parentId, children, custom);
    }

    public SessionMetadata withDescription(String newDescription) {
        return new SessionMetadata(id, agentType, name, newDescription, model, provider, createdAt, updatedAt,
                parentId, children, custom);
    }

    public SessionMetadata withModel(String newModel, String newProvider) {
        return new SessionMetadata(id, agentType, name, description, newModel, newProvider, createdAt, updatedAt,
                parentId, children, custom);
    }

    public SessionMetadata withParent(String parent) {
        return new SessionMetadata(id, agentType, name, description, model, provider, createdAt, updatedAt,
                Optional.of(parent), children, custom);
    }

    public SessionMetadata withChild(String child) {
        if (children.contains(child)) {
            return this;
        }
        List<String> more = new ArrayList<>(children);
        more.add(child);
        return new SessionMetadata(id, agentType, name, description, model, provider, createdAt, updatedAt,
                parentId, more, custom);
    }

    public SessionMetadata withCustom(String key, JsonNode value) {
        Map<String, JsonNode> more = new LinkedHashMap<>(custom);
        more.put(key, value);
        return new SessionMetadata(id, agentType, name, description, model, provider, createdAt, updatedAt,
                parentId, children, more);
    }

    public SessionMetadata touched(Instant when) {
        return new SessionMetadata(id, agentType, name, description, model, provider, createdAt, when,
                parentId, children, custom);
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("id", id).put("agent_type", agentType).put("name", name).put("description", description)
                .put("model", model).put("provider", provider)
                .put("created_at", createdAt.toString()).put("updated_at", updatedAt.toString());
        parentId.ifPresent(p -> n.put("parent_id", p));
        children.forEach(c -> n.withArray("children").add(c));
        if (children.isEmpty()) {
            n.putArray("children");
        }
        ObjectNode customNode = n.putObject("custom");
        custom.forEach(customNode::set);
        return n;
    }

    public static SessionMetadata fromJson(JsonNode n) {
        List<String> children = new ArrayList<>();
        n.path("children").forEach(c -> children.add(c.asText()));
        Map<String, JsonNode> custom = new LinkedHashMap<>();
        n.path("custom").fields().forEachRemaining(e -> custom.put(e.getKey(), e.getValue()));
        String created = n.path("created_at").asText(Instant.EPOCH.toString());
        return new SessionMetadata(
                n.path("id").asText(),
                n.path("agent_type").asText("agent"),
                n.path("name").asText(""),
                n.path("description").asText(""),
                n.path("model").asText(""),
                n.path("provider").asText(""),
                Instant.parse(created),
                Instant.parse(n.path("updated_at").asText(created)),
                n.hasNonNull("parent_id") ? Optional.of(n.get("parent_id").asText()) : Optional.empty(),
                children, custom);
    }
}
