package dev.picrust.tool.builtin;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/** A command's full output saved to a file (UTF-8), up to {@link #MAX_CHARS} characters. */
final class OutputLog implements Closeable {
    static final long MAX_CHARS = 64L * 1024 * 1024;

    private final Path file;
    private final Writer writer;
    /** Appends write to the file; a lock, not a monitor, so a virtual thread blocked on the disk does not pin its carrier. */
    private final ReentrantLock lock = new ReentrantLock();
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

    void append(char[] chars, int offset, int length) throws IOException {
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
        }
    }

    void flush() throws IOException {
        lock.lock();
        try {
            writer.flush();
        } finally {
            lock.unlock();
        }
    }

    Path file() {
        return file;
    }

    boolean capped() {
        lock.lock();
        try {
            return capped;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            writer.close();
        } finally {
            lock.unlock();
        }
    }
}
