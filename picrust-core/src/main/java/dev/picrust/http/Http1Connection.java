package dev.picrust.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/1.1 connection: its socket and, while an exchange is in progress, a read buffer. An idle
 * pooled connection holds no buffer: with thousands of agents, thousands of connections sit idle
 * between calls and a few KiB each would add up.
 */
final class Http1Connection {
    private static final byte[] NO_BUFFER = new byte[0];
    /** Read buffers: one per exchange in progress, a few kept for the next exchanges. */
    private static final BufferPool READ_BUFFERS = new BufferPool(2048, 64);
    /**
     * Where a request's head and body are put together so they leave in one write (one packet for
     * a small request) without a new array per request; held only for the write.
     */
    private static final BufferPool WRITE_BUFFERS = new BufferPool(32 * 1024, 16);
    static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_LINE_BYTES = 16 * 1024;

    final Origin origin;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buffer = NO_BUFFER;
    private int position;
    private int limit;
    private int soTimeoutMillis = -1;
    private boolean receivedAny;
    private volatile boolean closed;
    long idleSinceNanos;

    Http1Connection(Origin origin, Socket socket) throws IOException {
        this.origin = origin;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Whether the current exchange got any byte of an answer. */
    boolean receivedAny() {
        return receivedAny;
    }

    boolean isClosed() {
        return closed;
    }

    /** Starts an exchange: writes the whole request at once (one packet for a small request). */
    void write(byte[] head, byte[] body) throws IOException {
        receivedAny = false;
        if (buffer == NO_BUFFER) {
            buffer = READ_BUFFERS.take();
        }
        position = 0;
        limit = 0;
        if (body.length > 0 && head.length + body.length <= WRITE_BUFFERS.size()) {
            byte[] all = WRITE_BUFFERS.take();
            try {
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(body, 0, all, head.length, body.length);
                out.write(all, 0, head.length + body.length);
            } finally {
                WRITE_BUFFERS.give(all);
            }
        } else {
            out.write(head);
            if (body.length > 0) {
                out.write(body);
            }
        }
        out.flush();
    }

    /**
     * Reads the answer's head, skipping interim (1xx) answers.
     *
     * @throws HttpTimeoutException when the head is not complete by {@code deadlineNanos}
     */
    ResponseHead readHead(long deadlineNanos, long timeoutMillis) throws IOException {
        try {
            while (true) {
                ResponseHead head = readOneHead(deadlineNanos);
                if (head.status() >= 200 || head.status() == 101) {
                    return head;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("no answer within " + timeoutMillis + " ms");
        }
    }

    private ResponseHead readOneHead(long deadlineNanos) throws IOException {
        int budget = MAX_HEAD_BYTES;
        String statusLine = readLine(deadlineNanos, budget);
        if (statusLine.isEmpty()) {
            // Tolerate a stray empty line before the status line (RFC 9112 section 2.2).
            statusLine = readLine(deadlineNanos, budget);
        }
        budget -= statusLine.length() + 2;
        int status = parseStatus(statusLine);
        boolean http10 = statusLine.startsWith("HTTP/1.0");
        List<String> names = new ArrayList<>(16);
        List<String> values = new ArrayList<>(16);
        while (true) {
            String line = readLine(deadlineNanos, budget);
            budget -= line.length() + 2;
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !values.isEmpty()) {
                // Obsolete line folding: the line continues the previous value.
                int last = values.size() - 1;
                values.set(last, values.get(last) + " " + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line in HTTP answer: " + abbreviate(line));
            }
            names.add(line.substring(0, colon).strip());
            values.add(line.substring(colon + 1).strip());
        }
        return new ResponseHead(status, http10, new ResponseHeaders(names, values));
    }

    private static int parseStatus(String line) throws IOException {
        // "HTTP/1.1 200 OK"; the reason phrase may be empty or missing.
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x status line: " + abbreviate(line));
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed status code in HTTP answer: " + abbreviate(line));
            }
            status = status * 10 + (c - '0');
        }
        if (line.length() > 12 && line.charAt(12) != ' ') {
            throw new IOException("malformed status code in HTTP answer: " + abbreviate(line));
        }
        return status;
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    /** One line without its CR LF (a bare LF also ends a line), as ISO-8859-1. */
    String readLine(long deadlineNanos, int maxBytes) throws IOException {
        int cap = Math.min(maxBytes, MAX_LINE_BYTES);
        StringBuilder line = null;
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                    String tail = new String(buffer, position, end - position, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    if (line == null) {
                        return tail;
                    }
                    line.append(tail);
                    int len = line.length();
                    if (len > 0 && line.charAt(len - 1) == '\r' && end == i) {
                        line.setLength(len - 1);
                    }
                    return line.toString();
                }
            }
            if (line == null) {
                line = new StringBuilder();
            }
            line.append(new String(buffer, position, limit - position, StandardCharsets.ISO_8859_1));
            position = limit;
            if (line.length() > cap) {
                throw new IOException("line in HTTP answer longer than " + cap + " bytes");
            }
            if (fill(deadlineNanos) < 0) {
                throw new EOFException("connection closed in the middle of the HTTP answer's head");
            }
        }
    }

    /**
     * The size of the next chunk of a chunked body when its head is already buffered and plain: the
     * CR LF that ends the previous chunk's data (when {@code afterData}), hex digits, CR LF, and the
     * chunk has data. Consumes the head when {@code consume}; -1 (and nothing consumed) when the head
     * is not all here yet, has extensions, spaces or anything else unusual, or is the last chunk:
     * {@link #readLine} then reads it as before.
     * Saves two strings per chunk, and tells whether a chunk is ready without waiting.
     */
    long bufferedChunkSize(boolean afterData, boolean consume) {
        int i = position;
        if (afterData) {
            if (i + 1 >= limit || buffer[i] != '\r' || buffer[i + 1] != '\n') {
                return -1;
            }
            i += 2;
        }
        long size = 0;
        int digits = 0;
        for (; i < limit && digits <= 15; i++, digits++) {
            int digit = Character.digit(buffer[i], 16);
            if (digit < 0) {
                break;
            }
            size = size << 4 | digit;
        }
        if (digits == 0 || digits > 15 || size == 0 || i + 1 >= limit || buffer[i] != '\r' || buffer[i + 1] != '\n') {
            return -1;
        }
        if (consume) {
            position = i + 2;
        }
        return size;
    }

    /** Bytes after a plain chunk head at the buffer's start (see {@link #bufferedChunkSize}); 0 if none. */
    int bufferedAfterChunkHead(boolean afterData) {
        long size = bufferedChunkSize(afterData, false);
        if (size <= 0) {
            return 0;
        }
        int head = afterData ? 2 : 0;
        for (int i = position + head; i < limit; i++) {
            if (buffer[i] == '\n') {
                return (int) Math.min(size, limit - i - 1);
            }
        }
        return 0;
    }

    /** Reads at most {@code len} body bytes, waiting at most {@code timeoutMillis} for the first. */
    int read(byte[] b, int off, int len, int timeoutMillis) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position < limit) {
            int n = Math.min(len, limit - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }
        if (len >= buffer.length) {
            setTimeout(timeoutMillis);
            return in.read(b, off, len);
        }
        if (fillWithin(timeoutMillis) < 0) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        return n;
    }

    /** Bytes already read from the socket and not yet consumed. */
    int buffered() {
        return limit - position;
    }

    /** Bytes the socket can deliver without waiting. */
    int available() throws IOException {
        return in.available();
    }

    private int fill(long deadlineNanos) throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return fillWithin((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
    }

    private int fillWithin(int timeoutMillis) throws IOException {
        if (position == limit) {
            position = 0;
            limit = 0;
        } else if (limit == buffer.length) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        setTimeout(timeoutMillis);
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n > 0) {
            limit += n;
            receivedAny = true;
        }
        return n;
    }

    private void setTimeout(int millis) throws IOException {
        if (millis != soTimeoutMillis) {
            socket.setSoTimeout(millis);
            soTimeoutMillis = millis;
        }
    }

    /** Back to the pool: an idle connection keeps no buffer. */
    void idle(long nowNanos) {
        if (buffer != NO_BUFFER) {
            READ_BUFFERS.give(buffer);
        }
        buffer = NO_BUFFER;
        position = 0;
        limit = 0;
        idleSinceNanos = nowNanos;
    }

    /** Closes the socket; safe from any thread, wakes a blocked read or write. */
    void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do: the connection is gone either way.
        }
    }

    /** The status line and headers of an answer. */
    record ResponseHead(int status, boolean http10, ResponseHeaders headers) {
    }
}
