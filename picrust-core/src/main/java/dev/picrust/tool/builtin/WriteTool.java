package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Write {@code {file_path, content}}: creates or replaces a file atomically, creating parent
 * folders. An existing file may only be replaced after Read saw it and it has not changed since.
 * The content is written exactly as given (line endings included); an existing file's encoding
 * (BOM, Latin-1) is kept when the new text fits it, otherwise UTF-8 is used.
 */
final class WriteTool extends BuiltinTool {
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "file_path": {"type": "string", "description": "The path of the file to write (absolute, or relative to the working directory)"},
                "content": {"type": "string", "description": "The complete content to write to the file"}
              },
              "required": ["file_path", "content"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Writes a file to the local filesystem, replacing it if it exists.

            - Parent folders are created as needed. The write is atomic: the file is never left half-written.
            - An existing file can only be overwritten after you Read it in this session, and only if it has not changed on disk since; otherwise this tool fails and you must Read it again.
            - Prefer Edit for changing part of an existing file; Write sends the whole content.""";

    public WriteTool() {
        super("Write", DESCRIPTION, SCHEMA);
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        Path file = context.resolvePath(input.string("file_path"));
        String content = input.string("content");
        if (Files.isDirectory(file)) {
            throw new ToolException(file + " is a directory; give the path of a file inside it.");
        }
        FileReadTracker tracker = FileReadTracker.of(context);
        boolean existed = Files.exists(file);
        if (existed) {
            Optional<String> refusal = tracker.whyNotWritable(file);
            if (refusal.isPresent()) {
                throw new ToolException(refusal.get());
            }
            if (!Files.isRegularFile(file)) {
                throw new ToolException(file + " is not a regular file and cannot be written.");
            }
        }
        TextEncoding encoding = existed ? encodingOf(file) : TextEncoding.UTF_8;
        if (!encoding.canEncode(content)) {
            encoding = TextEncoding.UTF_8;
        }
        AtomicWrite.write(file, encoding.encode(content));
        tracker.record(file, FileReadTracker.snapshotOf(file));
        long lines = content.isEmpty() ? 0 : content.lines().count();
        String what = existed ? "Updated" : "Created";
        return ToolResult.text(what + " " + file + " (" + lines + " line" + (lines == 1 ? "" : "s") + ", "
                + ReadTool.humanSize(Files.size(file)) + ").");
    }

    private static TextEncoding encodingOf(Path file) throws java.io.IOException {
        byte[] sample;
        try (InputStream in = Files.newInputStream(file)) {
            sample = in.readNBytes(64 * 1024);
        }
        TextEncoding encoding = TextEncoding.detect(sample, sample.length, sample.length < 64 * 1024);
        boolean binary = !encoding.isUtf16() && FileSignature.looksBinary(sample, Math.min(sample.length, 8192));
        return binary ? TextEncoding.UTF_8 : encoding;
    }
}
