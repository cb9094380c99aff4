package dev.picrust.tool.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.tool.ToolException;
import java.util.Optional;

/**
 * Typed access to a tool's JSON input. The executor validates input against the schema first; these
 * checks repeat the essentials so a tool called directly still fails with a clear message, and
 * treat JSON {@code null} as "not given".
 */
record ToolInput(JsonNode json) {

    static ToolInput of(JsonNode json) {
        return new ToolInput(json == null ? dev.picrust.json.Json.object() : json);
    }

    private Optional<JsonNode> field(String name) {
        JsonNode value = json.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    String string(String name) throws ToolException {
        return optionalString(name).orElseThrow(() -> new ToolException("Missing required field '" + name + "'."));
    }

    Optional<String> optionalString(String name) throws ToolException {
        Optional<JsonNode> value = field(name);
        if (value.isPresent() && !value.get().isTextual()) {
            throw new ToolException("Field '" + name + "' must be a string.");
        }
        return value.map(JsonNode::asText);
    }

    boolean bool(String name, boolean fallback) throws ToolException {
        Optional<JsonNode> value = field(name);
        if (value.isPresent() && !value.get().isBoolean()) {
            throw new ToolException("Field '" + name + "' must be true or false.");
        }
        return value.map(JsonNode::booleanValue).orElse(fallback);
    }

    Optional<Long> optionalLong(String name) throws ToolException {
        Optional<JsonNode> value = field(name);
        if (value.isPresent() && !value.get().isNumber()) {
            throw new ToolException("Field '" + name + "' must be a number.");
        }
        return value.map(JsonNode::asLong);
    }

    Optional<Integer> optionalInt(String name) throws ToolException {
        Optional<Long> value = optionalLong(name);
        if (value.isPresent() && (value.get() > Integer.MAX_VALUE || value.get() < Integer.MIN_VALUE)) {
            throw new ToolException("Field '" + name + "' is out of range.");
        }
        return value.map(Long::intValue);
    }

    JsonNode array(String name) throws ToolException {
        JsonNode value = field(name).orElseThrow(() -> new ToolException("Missing required field '" + name + "'."));
        if (!value.isArray()) {
            throw new ToolException("Field '" + name + "' must be an array.");
        }
        return value;
    }
}
