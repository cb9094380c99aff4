package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies of the unmodelled-field maps that content blocks carry; keeps wire order. */
final class Extras {
    private Extras() {}

    static Map<String, JsonNode> copy(Map<String, JsonNode> extras) {
        if (extras == null || extras.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }
}
