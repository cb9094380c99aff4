package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/** A tool as the model sees it. Extras carry wire fields such as {@code cache_control}. */
public record ToolDefinition(String name, String description, JsonNode inputSchema,
                             Map<String, JsonNode> extras) {
    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
        extras = Extras.copy(extras);
    }

    public ToolDefinition(String name, String description, JsonNode inputSchema) {
        this(name, description, inputSchema, Map.of());
    }

    public ToolDefinition withExtras(Map<String, JsonNode> newExtras) {
        return new ToolDefinition(name, description, inputSchema, newExtras);
    }
}
