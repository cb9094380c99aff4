package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A whole text file decoded for editing, remembering its encoding (UTF-8 with or without BOM,
 * UTF-16 with BOM, or Latin-1) so the edited text is written back the same way.
 */
record TextFile(Path path, String content, TextEncoding encoding) {
    static final long MAX_EDIT_BYTES = 64L * 1024 * 1024;

    static TextFile read(Path path) throws IOException, ToolException {
        if (!Files.exists(path)) {
            throw new ToolException("File does not exist: " + path + ". To create a new file use Write.");
        }
        if (!Files.isRegularFile(path)) {
            throw new ToolException(path + " is not a regular file.");
        }
        long size = Files.size(path);
        if (size > MAX_EDIT_BYTES) {
            throw new ToolException(path + " is " + ReadTool.humanSize(size) + ", over the "
                    + ReadTool.humanSize(MAX_EDIT_BYTES) + " limit for editing; use Bash (sed, a script) instead.");
        }
        byte[] bytes = Files.readAllBytes(path);
        TextEncoding encoding = TextEncoding.detect(bytes, bytes.length, true);
        if (!encoding.isUtf16() && FileSignature.looksBinary(bytes, Math.min(bytes.length, 8192))) {
            throw new ToolException(path + " is a binary file and cannot be edited as text.");
        }
        return new TextFile(path, encoding.decode(bytes), encoding);
    }

    /** The bytes of {@code newContent} in this file's encoding. */
    byte[] encode(String newContent) throws ToolException {
        try {
            return encoding.encode(newContent);
        } catch (CharacterCodingException e) {
            throw new ToolException("The new text contains characters that cannot be written in this file's encoding ("
                    + encoding.displayName() + "). Use only characters the encoding supports, or convert the file"
                    + " to UTF-8 first.");
        }
    }

    /** True if the file's lines end with CRLF (more CRLF than bare LF line ends). */
    boolean usesCrlf() {
        int crlf = 0;
        int lf = 0;
        for (int i = content.indexOf('\n'); i >= 0; i = content.indexOf('\n', i + 1)) {
            if (i > 0 && content.charAt(i - 1) == '\r') {
                crlf++;
            } else {
                lf++;
            }
        }
        return crlf > 0 && crlf >= lf;
    }
}
