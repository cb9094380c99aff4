package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

public record RedactedThinkingBlock(String data, Map<String, JsonNode> extras) implements ContentBlock {
    public RedactedThinkingBlock {
        Objects.requireNonNull(data, "data");
        extras = Extras.copy(extras);
    }

    public RedactedThinkingBlock(String data) {
        this(data, Map.of());
    }

    @Override
    public String type() {
        return "redacted_thinking";
    }
}
