package dev.picrust.tool.builtin;

import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.DocumentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.MediaSource;
import dev.picrust.llm.TextBlock;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Read {@code {file_path, offset?, limit?}}: text as numbered lines ({@code cat -n} style), images
 * as image blocks, PDFs as document blocks. Streams the file, so memory stays bounded whatever its
 * size or line lengths.
 */
final class ReadTool extends BuiltinTool {
    public static final int DEFAULT_LIMIT = 2000;
    public static final int MAX_LINE_CHARS = 2000;
    public static final int MAX_OUTPUT_CHARS = 120_000;
    public static final long MAX_IMAGE_BYTES = 5L * 1024 * 1024;
    public static final long MAX_PDF_BYTES = 32L * 1024 * 1024;
    private static final int SNIFF_BYTES = 8 * 1024;
    private static final int ENCODING_SAMPLE_BYTES = 64 * 1024;
    /** Enough bytes to hold {@link #MAX_LINE_CHARS} characters in any encoding we read. */
    private static final int MAX_LINE_BYTES = 4 * MAX_LINE_CHARS + 192;

    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "file_path": {"type": "string", "description": "The path of the file to read (absolute, or relative to the working directory)"},
                "offset": {"type": "number", "description": "The line number to start reading from (1 = first line). Only give it for files too large to read at once"},
                "limit": {"type": "number", "minimum": 1, "description": "The number of lines to read (default 2000). Only give it for files too large to read at once"}
              },
              "required": ["file_path"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Reads a file from the local filesystem.

            - file_path may be absolute or relative to the working directory.
            - By default reads up to 2000 lines from the start of the file; use offset and limit for long files.
            - Lines longer than 2000 characters are cut.
            - Output is numbered like `cat -n`: line number, a tab, then the line. The number and tab are not part of the file.
            - Images (PNG, JPEG, GIF, WebP, up to 5 MB) are returned as images you can see; PDFs (up to 32 MB) as documents.
            - Other binary files are refused. Directories cannot be read: use Glob or Bash `ls`.
            - Reading a file is required before Write or Edit may change it.""";

    public ReadTool() {
        super("Read", DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public boolean concurrencySafe() {
        return true;
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        Path file = context.resolvePath(input.string("file_path"));
        long offset = Math.max(1, input.optionalLong("offset").orElse(1L));
        long limit = input.optionalLong("limit").orElse((long) DEFAULT_LIMIT);
        if (limit < 1) {
            throw new ToolException("limit must be at least 1.");
        }
        if (!Files.exists(file)) {
            throw new ToolException("File does not exist: " + file + describeWorkingDirectory(context));
        }
        if (Files.isDirectory(file)) {
            throw new ToolException(file + " is a directory, not a file. Use Glob to find files in it, or Bash `ls`.");
        }
        if (!Files.isRegularFile(file)) {
            throw new ToolException(file + " is not a regular file (a device, socket or pipe) and cannot be read.");
        }
        FileReadTracker.Snapshot snapshot = FileReadTracker.snapshotOf(file);
        byte[] head = HeadReader.read(file, ENCODING_SAMPLE_BYTES, HEAD_DEADLINE);
        FileReadTracker tracker = FileReadTracker.of(context);
        if (head.length == 0) {
            tracker.record(file, snapshot);
            return ToolResult.text("The file " + file + " exists but is empty (0 bytes).");
        }
        Optional<String> mediaType = FileSignature.mediaType(head, head.length);
        if (mediaType.isPresent()) {
            ToolResult media = readMedia(file, mediaType.get(), snapshot.size());
            tracker.record(file, snapshot);
            return media;
        }
        int sniffLength = Math.min(head.length, SNIFF_BYTES);
        TextEncoding encoding = TextEncoding.detect(head, head.length, head.length == snapshot.size());
        if (encoding.isUtf16()) {
            throw new ToolException(file + " is " + encoding.displayName() + " text, which Read does not display."
                    + " Convert it first, e.g. `iconv -f UTF-16 -t UTF-8`.");
        }
        if (FileSignature.looksBinary(head, sniffLength)) {
            throw new ToolException("Cannot read " + file + ": it is a binary file (" + snapshot.size()
                    + " bytes, contains NUL bytes). Read shows text, images (PNG, JPEG, GIF, WebP) and PDFs;"
                    + " use Bash with a suitable tool (xxd, file, unzip -l, ...) to inspect it.");
        }
        String text = readLines(file, encoding, offset, limit);
        tracker.record(file, snapshot);
        return ToolResult.text(text);
    }

    /** How long the first bytes of a file may take: a file that gives none by then blocks (see {@link HeadReader}). */
    static final java.time.Duration HEAD_DEADLINE = java.time.Duration.ofSeconds(10);

    private String readLines(Path file, TextEncoding encoding, long offset, long limit) throws IOException, ToolException {
        StringBuilder out = new StringBuilder();
        try (BoundedLineReader reader = new BoundedLineReader(Files.newInputStream(file), MAX_LINE_BYTES)) {
            long lineNumber = 1;
            while (lineNumber < offset) {
                if (!reader.skip()) {
                    long lines = lineNumber - 1;
                    throw new ToolException("The file " + file + " has " + lines + " line" + (lines == 1 ? "" : "s")
                            + "; offset " + offset + " is past the end. Use an offset between 1 and " + lines + ".");
                }
                lineNumber++;
            }
            long shown = 0;
            boolean outputFull = false;
            while (shown < limit) {
                BoundedLineReader.Line line = reader.next();
                if (line == null) {
                    break;
                }
                String content = decodeLine(line, encoding, lineNumber == 1);
                if (out.length() + content.length() > MAX_OUTPUT_CHARS && shown > 0) {
                    outputFull = true;
                    break;
                }
                NumberedLines.append(out, lineNumber, content);
                shown++;
                lineNumber++;
            }
            if (outputFull) {
                out.append("\n... (output limit of ").append(MAX_OUTPUT_CHARS).append(" characters reached; use offset=")
                        .append(lineNumber).append(" to continue)\n");
            } else if (reader.hasMore()) {
                out.append("\n... (more lines follow; use offset=").append(lineNumber).append(" to read further)\n");
            }
        }
        if (encoding.charset() == java.nio.charset.StandardCharsets.ISO_8859_1) {
            out.append("\n(Note: this file is not valid UTF-8; it was decoded as ISO-8859-1 (Latin-1). Edit keeps that encoding.)\n");
        }
        return out.toString();
    }

    private static String decodeLine(BoundedLineReader.Line line, TextEncoding encoding, boolean first) {
        String text = new String(line.kept(), encoding.charset());
        if (first && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        boolean cut = line.truncated();
        if (text.length() > MAX_LINE_CHARS) {
            int end = MAX_LINE_CHARS;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            text = text.substring(0, end);
            cut = true;
        }
        return cut ? text + "... [line truncated; " + line.fullLength() + " bytes in total]" : text;
    }

    private ToolResult readMedia(Path file, String mediaType, long size) throws IOException, ToolException {
        boolean pdf = mediaType.equals("application/pdf");
        long cap = pdf ? MAX_PDF_BYTES : MAX_IMAGE_BYTES;
        if (size > cap) {
            throw new ToolException(file + " is a " + (pdf ? "PDF" : "image (" + mediaType + ")") + " of "
                    + humanSize(size) + ", over the " + humanSize(cap) + " limit for Read.");
        }
        String data = Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        MediaSource source = new MediaSource.Base64(mediaType, data);
        ContentBlock block = pdf ? new DocumentBlock(source) : new ImageBlock(source);
        String note = (pdf ? "PDF file read: " : "Image file read: ") + file + " (" + mediaType + ", " + humanSize(size) + ")";
        return ToolResult.blocks(List.of(new TextBlock(note), block));
    }

    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        if (bytes < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    private static String describeWorkingDirectory(ToolContext context) {
        return " (the working directory is " + context.workingDirectory() + ")";
    }
}
