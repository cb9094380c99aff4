package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolResult;
import java.util.List;

/**
 * Edit {@code {file_path, old_string, new_string, replace_all?}}: replaces exact text. The match
 * must be unique unless {@code replace_all}; the file's line endings and encoding are kept; the
 * write is atomic and guarded like Write (Read first, unchanged since).
 */
final class EditTool extends BuiltinTool {
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "file_path": {"type": "string", "description": "The path of the file to modify (absolute, or relative to the working directory)"},
                "old_string": {"type": "string", "description": "The exact text to replace"},
                "new_string": {"type": "string", "description": "The text to replace it with (must be different from old_string)"},
                "replace_all": {"type": "boolean", "default": false, "description": "Replace every occurrence of old_string (default false)"}
              },
              "required": ["file_path", "old_string", "new_string"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Performs an exact string replacement in a file.

            - You must Read the file in this session before editing it, and it must not have changed since.
            - old_string must match the file exactly, including indentation and whitespace. Do not include the line-number prefix that Read shows.
            - The edit fails if old_string occurs more than once: add surrounding lines to make it unique, or set replace_all to replace every occurrence (useful for renaming).
            - The file's line endings (LF or CRLF) and encoding are kept.""";

    public EditTool() {
        super("Edit", DESCRIPTION, SCHEMA);
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        StringEdit edit = new StringEdit(input.string("old_string"), input.string("new_string"),
                input.bool("replace_all", false));
        return FileEditor.apply(context, input.string("file_path"), List.of(edit));
    }
}
