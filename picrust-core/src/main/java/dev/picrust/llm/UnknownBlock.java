package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/** A block type this version does not model (server tool results, new API blocks), kept verbatim. */
public record UnknownBlock(ObjectNode raw) implements ContentBlock {
    public UnknownBlock {
        Objects.requireNonNull(raw, "raw");
        raw = raw.deepCopy();
    }

    /** A defensive copy: records are immutable, Jackson trees are not. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }

    /** The stored tree itself, for encoders in this package that only read it (saves the copy). */
    ObjectNode rawForReading() {
        return raw;
    }

    @Override
    public String type() {
        JsonNode type = raw.get("type");
        return type == null ? "unknown" : type.asText();
    }

    @Override
    public Map<String, JsonNode> extras() {
        return Map.of();
    }
}
