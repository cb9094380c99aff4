package dev.picrust.tool.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.tool.Tool;
import java.util.Optional;

/**
 * The check the tool executor runs before {@link Tool#execute}: the model's input against the
 * tool's {@link Tool#inputSchema()}. A problem becomes an error result for the model to fix, e.g.
 * {@code Invalid input for tool TodoWrite: field 'todos[0].status' must be one of [pending,
 * in_progress, completed] (got "done")}.
 */
public final class ToolInputValidation {
    private ToolInputValidation() {}

    /** The error message for the model, or empty if {@code input} is acceptable. */
    public static Optional<String> validate(Tool tool, JsonNode input) {
        JsonNode value = input == null || input.isMissingNode() ? Json.object() : input;
        return JsonSchemaValidator.validate(tool.inputSchema(), value)
                .map(problem -> "Invalid input for tool " + tool.name() + ": " + problem);
    }
}
