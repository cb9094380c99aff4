package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

public record TextBlock(String text, Map<String, JsonNode> extras) implements ContentBlock {
    public TextBlock {
        Objects.requireNonNull(text, "text");
        extras = Extras.copy(extras);
    }

    public TextBlock(String text) {
        this(text, Map.of());
    }

    @Override
    public String type() {
        return "text";
    }
}
