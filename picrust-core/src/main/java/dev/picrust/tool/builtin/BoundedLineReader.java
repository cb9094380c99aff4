package dev.picrust.tool.builtin;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads lines from a byte stream keeping at most {@code maxKeptBytes} of each line: the rest of a
 * long line is scanned for its end and dropped, so a single gigantic line (a minified bundle, a
 * sparse file full of zeros) costs a fixed buffer, never its size. Lines are split on {@code \n}
 * (byte 0x0A), which is safe for UTF-8 and single-byte encodings; a trailing {@code \r} is dropped.
 */
final class BoundedLineReader implements Closeable {
    private static final int BUFFER_SIZE = 64 * 1024;

    /** One line: the first {@code kept.length} bytes and the line's full length in bytes. */
    record Line(byte[] kept, long fullLength) {
        boolean truncated() {
            return fullLength > kept.length;
        }
    }

    private final InputStream in;
    private final int maxKeptBytes;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    private boolean eof;

    BoundedLineReader(InputStream in, int maxKeptBytes) {
        this.in = in;
        this.maxKeptBytes = maxKeptBytes;
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        return read(true);
    }

    /** True if another line follows (reads ahead at most one buffer). */
    boolean hasMore() throws IOException {
        return fill();
    }

    /** Skips a line; false at the end of the stream. */
    boolean skip() throws IOException {
        return read(false) != null;
    }

    private Line read(boolean keep) throws IOException {
        if (!fill()) {
            return null;
        }
        byte[] kept = keep ? new byte[Math.min(256, maxKeptBytes)] : null;
        int keptLength = 0;
        long length = 0;
        boolean lastWasCr = false;
        while (fill()) {
            int newline = indexOfNewline(position, limit);
            int end = newline < 0 ? limit : newline;
            int count = end - position;
            if (keep && keptLength < maxKeptBytes && count > 0) {
                int take = Math.min(count, maxKeptBytes - keptLength);
                if (keptLength + take > kept.length) {
                    kept = Arrays.copyOf(kept, Math.min(maxKeptBytes, Math.max(kept.length * 2, keptLength + take)));
                }
                System.arraycopy(buffer, position, kept, keptLength, take);
                keptLength += take;
            }
            if (count > 0) {
                lastWasCr = buffer[end - 1] == '\r';
            }
            length += count;
            position = end;
            if (newline >= 0) {
                position++;
                break;
            }
        }
        if (lastWasCr) {
            length--;
            if (keptLength == length + 1) {
                keptLength--;
            }
        }
        return new Line(keep ? Arrays.copyOf(kept, keptLength) : new byte[0], length);
    }

    private int indexOfNewline(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        if (eof) {
            return false;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            eof = true;
            position = limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
