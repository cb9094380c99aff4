package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/** Extended thinking. The signature must be sent back byte-exact or the API rejects the history. */
public record ThinkingBlock(String thinking, String signature, Map<String, JsonNode> extras)
        implements ContentBlock {
    public ThinkingBlock {
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(signature, "signature");
        extras = Extras.copy(extras);
    }

    public ThinkingBlock(String thinking, String signature) {
        this(thinking, signature, Map.of());
    }

    @Override
    public String type() {
        return "thinking";
    }
}
