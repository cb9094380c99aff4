package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/** The model asks for a tool call. {@code input} is the parsed JSON object the model produced. */
public record ToolUseBlock(String id, String name, JsonNode input, Map<String, JsonNode> extras)
        implements ContentBlock {
    public ToolUseBlock {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(input, "input");
        extras = Extras.copy(extras);
    }

    public ToolUseBlock(String id, String name, JsonNode input) {
        this(id, name, input, Map.of());
    }

    @Override
    public String type() {
        return "tool_use";
    }
}
