package dev.picrust.tool.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.util.ArrayList;
import java.util.List;

/**
 * MultiEdit {@code {file_path, edits: [{old_string, new_string, replace_all?}]}}: several Edit
 * replacements on one file, applied in order to the result of the previous one, all or nothing.
 */
final class MultiEditTool extends BuiltinTool {
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "file_path": {"type": "string", "description": "The path of the file to modify (absolute, or relative to the working directory)"},
                "edits": {
                  "type": "array",
                  "minItems": 1,
                  "description": "Edits to apply in order; each sees the result of the ones before it",
                  "items": {
                    "type": "object",
                    "properties": {
                      "old_string": {"type": "string", "description": "The exact text to replace"},
                      "new_string": {"type": "string", "description": "The text to replace it with"},
                      "replace_all": {"type": "boolean", "default": false, "description": "Replace every occurrence (default false)"}
                    },
                    "required": ["old_string", "new_string"],
                    "additionalProperties": false
                  }
                }
              },
              "required": ["file_path", "edits"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Makes several exact string replacements in one file in a single, all-or-nothing operation.

            - Same rules as Edit for each edit: Read the file first; old_string must match exactly and be unique unless replace_all is set.
            - Edits apply in order, each to the result of the previous one.
            - If any edit fails, none is applied and the file is left unchanged.""";

    public MultiEditTool() {
        super("MultiEdit", DESCRIPTION, SCHEMA);
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        List<StringEdit> edits = new ArrayList<>();
        for (JsonNode edit : input.array("edits")) {
            ToolInput one = ToolInput.of(edit);
            edits.add(new StringEdit(one.string("old_string"), one.string("new_string"), one.bool("replace_all", false)));
        }
        if (edits.isEmpty()) {
            throw new ToolException("edits must contain at least one edit.");
        }
        return FileEditor.apply(context, input.string("file_path"), edits);
    }
}
