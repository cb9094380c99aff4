package dev.picrust.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * The body of an HTTP/1.1 answer, framed as RFC 9112 section 6.3 says: none (1xx, 204, 304),
 * chunked, a {@code content-length}, or everything until the server closes. The stream knows
 * when the body is over, which decides whether the connection can carry another request.
 */
abstract sealed class Http1Body extends InputStream {
    final Http1Connection connection;
    private final int idleTimeoutMillis;
    private final Deadline deadline;
    private boolean complete;
    private boolean closed;
    /** While draining: reads end here too, so a server that keeps trickling cannot hold the drain. */
    private long drainUntilNanos;
    private boolean draining;
    /** Whether the last read waited less than the idle timeout because the deadline came first. */
    private boolean waitEndsAtDeadline;

    /** How long draining the rest of an answer may wait for the network, at most (the drain of an SSE tail). */
    static final long DRAIN_WAIT_NANOS = 1_000_000_000L;

    /** The exchange's overall deadline: {@code nanos} on {@link System#nanoTime()}'s clock, {@code millis} its length. */
    record Deadline(long nanos, long millis) {}

    Http1Body(Http1Connection connection, int idleTimeoutMillis, Deadline deadline) {
        this.connection = connection;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.deadline = deadline;
    }

    static Http1Body of(Http1Connection connection, Http1Connection.ResponseHead head, int idleTimeoutMillis,
                        Deadline deadline) throws IOException {
        int status = head.status();
        if (status < 200 || status == 204 || status == 304) {
            return new Fixed(connection, idleTimeoutMillis, deadline, 0);
        }
        var transferEncoding = head.headers().allValues("transfer-encoding");
        if (!transferEncoding.isEmpty()) {
            String last = transferEncoding.get(transferEncoding.size() - 1);
            String[] codings = last.split(",");
            if (codings[codings.length - 1].trim().equalsIgnoreCase("chunked")) {
                return new Chunked(connection, idleTimeoutMillis, deadline);
            }
            return new UntilClose(connection, idleTimeoutMillis, deadline);
        }
        var lengths = head.headers().allValues("content-length");
        if (!lengths.isEmpty()) {
            long length = -1;
            for (String value : lengths) {
                for (String part : value.split(",")) {
                    long parsed = parseLength(part.trim());
                    if (length != -1 && parsed != length) {
                        throw new IOException("HTTP answer has conflicting content-length values: " + lengths);
                    }
                    length = parsed;
                }
            }
            return new Fixed(connection, idleTimeoutMillis, deadline, length);
        }
        return new UntilClose(connection, idleTimeoutMillis, deadline);
    }

    private static long parseLength(String text) throws IOException {
        if (text.isEmpty() || text.length() > 18) {
            throw new IOException("malformed content-length in HTTP answer: " + text);
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed content-length in HTTP answer: " + text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** True once the body was read to its end, so the connection holds nothing of this answer. */
    final boolean complete() {
        return complete;
    }

    /** Whether the connection may carry another request after this body. */
    abstract boolean reusable();

    final void markComplete() {
        complete = true;
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (complete) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            return readBody(b, off, len);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException(waitEndsAtDeadline || System.nanoTime() - deadline.nanos() >= 0
                    ? "passed the attempt's deadline of " + deadline.millis() + " ms"
                    : "stalled: no data for " + idleTimeoutMillis + " ms");
        }
    }

    abstract int readBody(byte[] b, int off, int len) throws IOException;

    /**
     * How long the next read may wait: the idle timeout, or less when the deadline comes first (rounded
     * up, so a read that times out has reached it). The socket's own timeout does the waiting.
     */
    final int readTimeout() throws SocketTimeoutException {
        long now = System.nanoTime();
        long left = deadline.nanos() - now;
        if (draining && drainUntilNanos - now < left) {
            left = drainUntilNanos - now;
        }
        if (left <= 0) {
            waitEndsAtDeadline = true;
            throw new SocketTimeoutException("deadline passed");
        }
        long leftMillis = (left + 999_999) / 1_000_000;
        waitEndsAtDeadline = leftMillis < idleTimeoutMillis;
        return waitEndsAtDeadline ? (int) leftMillis : idleTimeoutMillis;
    }

    /**
     * Reads and discards the rest of the body, at most {@code maxBytes}; returns whether the body
     * is now complete. Without {@code wait} it stops as soon as a read would have to wait for the
     * network; with it, it waits {@link #DRAIN_WAIT_NANOS} at most in all (a server that trickles or
     * pings forever is not drained).
     */
    final boolean skipRest(int maxBytes, boolean wait) {
        if (complete) {
            return true;
        }
        // Usually just the last chunk's few bytes are left; a longer rest takes more turns, not more reads.
        byte[] sink = new byte[256];
        int skipped = 0;
        draining = true;
        drainUntilNanos = System.nanoTime() + (wait ? DRAIN_WAIT_NANOS : 1_000_000L);
        try {
            while (!complete && skipped <= maxBytes
                    && (wait || connection.buffered() > 0 || connection.available() > 0)) {
                int n = readBody(sink, 0, sink.length);
                if (n < 0) {
                    break;
                }
                skipped += n;
            }
        } catch (IOException e) {
            return false;
        }
        return complete;
    }

    @Override
    public int available() {
        return complete || closed ? 0 : Math.max(0, Math.min(connection.buffered(), remainingHint()));
    }

    abstract int remainingHint();

    /** Closing the stream does not touch the connection; {@link Http1Exchange#close()} decides its fate. */
    @Override
    public void close() {
        closed = true;
    }

    /** A body of a known length. */
    static final class Fixed extends Http1Body {
        private long remaining;

        Fixed(Http1Connection connection, int idleTimeoutMillis, Deadline deadline, long length) {
            super(connection, idleTimeoutMillis, deadline);
            this.remaining = length;
            if (length == 0) {
                markComplete();
            }
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            int n = connection.read(b, off, (int) Math.min(len, remaining), readTimeout());
            if (n < 0) {
                throw new EOFException("connection closed with " + remaining + " bytes of the HTTP body missing");
            }
            remaining -= n;
            if (remaining == 0) {
                markComplete();
            }
            return n;
        }

        @Override
        boolean reusable() {
            return true;
        }

        @Override
        int remainingHint() {
            return (int) Math.min(Integer.MAX_VALUE, remaining);
        }
    }

    /** A body in chunks: size line, data, CRLF, ..., a zero-size chunk, trailers, empty line. */
    static final class Chunked extends Http1Body {
        private long inChunk;
        private boolean first = true;

        Chunked(Http1Connection connection, int idleTimeoutMillis, Deadline deadline) {
            super(connection, idleTimeoutMillis, deadline);
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (inChunk == 0) {
                long buffered = connection.bufferedChunkSize(!first, true);
                if (buffered > 0) {
                    first = false;
                    inChunk = buffered;
                }
            }
            if (inChunk == 0) {
                if (!first) {
                    String end = line();
                    if (!end.isEmpty()) {
                        throw new IOException("HTTP chunk not followed by CRLF");
                    }
                }
                first = false;
                inChunk = chunkSize(line());
                if (inChunk == 0) {
                    // Trailers, if any, then the empty line that ends the body.
                    int budget = Http1Connection.MAX_HEAD_BYTES;
                    for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                        budget -= trailer.length() + 2;
                        if (budget < 0) {
                            throw new IOException("HTTP trailers larger than " + Http1Connection.MAX_HEAD_BYTES + " bytes");
                        }
                    }
                    markComplete();
                    return -1;
                }
            }
            int n = connection.read(b, off, (int) Math.min(len, inChunk), readTimeout());
            if (n < 0) {
                throw new EOFException("connection closed in the middle of an HTTP chunk");
            }
            inChunk -= n;
            return n;
        }

        private String line() throws IOException {
            return connection.readLine(System.nanoTime() + readTimeout() * 1_000_000L, Http1Connection.MAX_HEAD_BYTES);
        }

        private static long chunkSize(String line) throws IOException {
            int end = line.indexOf(';');
            String hex = (end < 0 ? line : line.substring(0, end)).trim();
            if (hex.isEmpty() || hex.length() > 15) {
                throw new IOException("malformed HTTP chunk size: " + hex);
            }
            try {
                return Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed HTTP chunk size: " + hex);
            }
        }

        @Override
        boolean reusable() {
            return true;
        }

        @Override
        int remainingHint() {
            return inChunk > 0 ? (int) Math.min(Integer.MAX_VALUE, inChunk) : connection.bufferedAfterChunkHead(!first);
        }
    }

    /** A body that ends when the server closes the connection. */
    static final class UntilClose extends Http1Body {
        UntilClose(Http1Connection connection, int idleTimeoutMillis, Deadline deadline) {
            super(connection, idleTimeoutMillis, deadline);
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            int n = connection.read(b, off, len, readTimeout());
            if (n < 0) {
                markComplete();
            }
            return n;
        }

        @Override
        boolean reusable() {
            return false;
        }

        @Override
        int remainingHint() {
            return Integer.MAX_VALUE;
        }
    }
}
