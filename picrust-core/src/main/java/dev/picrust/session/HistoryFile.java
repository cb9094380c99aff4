package dev.picrust.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The append-only {@code history.jsonl}. Every {@link #append} writes one complete line and forces
 * it to disk before returning, so an acknowledged record survives a crash.
 */
final class HistoryFile implements AutoCloseable {
    private final FileChannel channel;

    HistoryFile(Path path) throws IOException {
        boolean torn = endsWithoutNewline(path);
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        if (torn) {
            terminateTornTail();
        }
    }

    /**
     * A crash mid-write can leave a last line without its newline. Appending after it would glue the
     * next record to the garbage, so the torn line is closed with a newline first (and skipped on load).
     */
    private void terminateTornTail() throws IOException {
        writeFully(ByteBuffer.wrap(new byte[] {'\n'}));
        channel.force(false);
    }

    private static boolean endsWithoutNewline(Path path) throws IOException {
        if (!Files.exists(path)) {
            return false;
        }
        try (FileChannel reader = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = reader.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            reader.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    synchronized void append(String jsonLine) throws IOException {
        if (jsonLine.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a history record must be one line");
        }
        writeFully(ByteBuffer.wrap((jsonLine + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.force(false);
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
