package dev.picrust.tool.builtin;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A command's full output saved to a file (UTF-8), up to {@link #MAX_CHARS} characters. */
final class OutputLog implements Closeable {
    static final long MAX_CHARS = 64L * 1024 * 1024;

    private final Path file;
    private final Writer writer;
    private long written;
    private boolean capped;

    OutputLog(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        this.file = file;
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    /** A new log file in {@code dir} named after {@code label}. */
    static OutputLog create(Path dir, String label) throws IOException {
        String safe = label.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 60) {
            safe = safe.substring(0, 60);
        }
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, safe + "-", ".log");
        return new OutputLog(file);
    }

    synchronized void append(char[] chars, int offset, int length) throws IOException {
        if (capped) {
            return;
        }
        int take = (int) Math.min(length, MAX_CHARS - written);
        writer.write(chars, offset, take);
        written += take;
        if (take < length) {
            capped = true;
            writer.write("\n[output log stopped after " + MAX_CHARS + " characters]\n");
        }
    }

    synchronized void flush() throws IOException {
        writer.flush();
    }

    Path file() {
        return file;
    }

    synchronized boolean capped() {
        return capped;
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
