package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/** A document (PDF or text); {@code title}, {@code context}, {@code citations} travel in extras. */
public record DocumentBlock(MediaSource source, Map<String, JsonNode> extras) implements ContentBlock {
    public DocumentBlock {
        Objects.requireNonNull(source, "source");
        extras = Extras.copy(extras);
    }

    public DocumentBlock(MediaSource source) {
        this(source, Map.of());
    }

    @Override
    public String type() {
        return "document";
    }
}
