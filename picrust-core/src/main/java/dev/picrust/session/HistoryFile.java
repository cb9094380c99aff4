package dev.picrust.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The append-only {@code history.jsonl}. Every {@link #append} writes one complete line and forces
 * it to disk before returning, so an acknowledged record survives a crash.
 */
final class HistoryFile implements AutoCloseable {
    private final FileChannel channel;

    HistoryFile(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, StandardOpenOption.READ);
        terminateTornTail();
    }

    /**
     * A crash mid-write can leave a last line without its newline. Appending after it would glue the
     * next record to the garbage, so the torn line is closed with a newline first (and skipped on load).
     */
    private void terminateTornTail() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        if (last.get(0) != '\n') {
            writeFully(ByteBuffer.wrap(new byte[] {'\n'}));
            channel.force(false);
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
