package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

public record ImageBlock(MediaSource source, Map<String, JsonNode> extras) implements ContentBlock {
    public ImageBlock {
        Objects.requireNonNull(source, "source");
        extras = Extras.copy(extras);
    }

    public ImageBlock(MediaSource source) {
        this(source, Map.of());
    }

    @Override
    public String type() {
        return "image";
    }
}
