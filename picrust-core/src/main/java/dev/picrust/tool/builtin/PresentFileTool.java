package dev.picrust.tool.builtin;

import dev.picrust.event.OutputChunk;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * PresentFile {@code {file_path, file_name, description?}}: offers a file the agent made to the
 * user. Checks that it is an existing regular file, then emits a {@code file_presented} chunk that
 * front ends turn into a download or preview.
 */
final class PresentFileTool extends BuiltinTool {
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "file_path": {"type": "string", "description": "The path of the file to present (absolute, or relative to the working directory)"},
                "file_name": {"type": "string", "minLength": 1, "description": "The name to show the user for the file"},
                "description": {"type": "string", "description": "A short description of what the file contains"}
              },
              "required": ["file_path", "file_name"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Presents a file you created or changed to the user, so they can open or download it.

            - Use it for deliverables (reports, images, documents, archives) once the file is complete.
            - The file must exist; give the name to show and, optionally, a one-line description.""";

    public PresentFileTool() {
        super("PresentFile", DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        Path file = context.resolvePath(input.string("file_path"));
        String name = input.string("file_name").strip();
        Optional<String> description = input.optionalString("description").map(String::strip).filter(d -> !d.isEmpty());
        if (!Files.exists(file)) {
            throw new ToolException("File does not exist: " + file + ". Create it before presenting it.");
        }
        if (!Files.isRegularFile(file)) {
            throw new ToolException(file + " is not a regular file; only files can be presented.");
        }
        if (!context.mayRead(file)) {
            // Presenting hands the file's bytes to whoever watches: the same as reading it.
            throw new ToolException(file + " cannot be presented: the Read permission rules deny it.");
        }
        long size = Files.size(file);
        context.emit(new OutputChunk.FilePresented(file.toString(), name, description));
        return ToolResult.text("Presented " + name + " (" + file + ", " + ReadTool.humanSize(size) + ") to the user.");
    }
}
