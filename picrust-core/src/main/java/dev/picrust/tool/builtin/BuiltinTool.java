package dev.picrust.tool.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import dev.picrust.tool.schema.ToolInputValidation;
import java.util.Optional;

/**
 * Common shape of the built-in tools: a name, a description, a schema written as JSON text, and
 * input validation plus {@link ToolException}-to-error-result handling around {@link #run}.
 */
abstract class BuiltinTool implements Tool {
    private final String name;
    private final String description;
    private final JsonNode schema;

    BuiltinTool(String name, String description, String schemaJson) {
        this.name = name;
        this.description = description;
        try {
            this.schema = Json.parse(schemaJson);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad built-in schema for " + name, e);
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final JsonNode inputSchema() {
        return schema.deepCopy();
    }

    @Override
    public final ToolResult execute(JsonNode input, ToolContext context) throws Exception {
        // The executor validates too; checking here keeps direct callers (tests, apps) just as safe.
        Optional<String> invalid = ToolInputValidation.validate(this, input);
        if (invalid.isPresent()) {
            return ToolResult.error(invalid.get());
        }
        try {
            return run(ToolInput.of(input), context);
        } catch (ToolException e) {
            return ToolResult.error(e.getMessage());
        }
    }

    abstract ToolResult run(ToolInput input, ToolContext context) throws Exception;

    @Override
    public String toString() {
        return name;
    }
}
