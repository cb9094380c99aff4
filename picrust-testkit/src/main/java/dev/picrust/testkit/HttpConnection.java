package dev.picrust.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP/1.1 connection of {@link MockLlmServer}, served by its own virtual thread: reads
 * requests (keep-alive, Content-Length or chunked bodies) and lets the handler write the response
 * byte by byte. A hand-written server rather than {@code com.sun.net.httpserver} because the fakes
 * need what that one hides: dropping a connection mid-body, and noticing that a client went away
 * while the server sends nothing.
 */
final class HttpConnection {
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 200;
    // Most request heads and bodies (2-10 KiB) then arrive in one read.
    private static final int INITIAL_INPUT = 8192;
    private static final int INITIAL_OUTPUT = 4096;
    /** An output buffer grown past this for one big response is not kept for the next. */
    private static final int MAX_KEPT_OUTPUT = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_BYTES = new byte[0];

    /** A request as read off the wire; headers keyed case-insensitively. */
    record Incoming(String method, String target, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? "" : values.getFirst();
        }
    }

    interface Handler {
        /**
         * Answers {@code request}, or returns what answers it later: a reply runs after the request
         * is out of reach, so a reply that first sleeps (a latency) keeps nothing of it alive.
         */
        Reply handle(Incoming request, HttpConnection connection) throws IOException;
    }

    /** The rest of an answer, run once the request is dropped. */
    interface Reply {
        /** Nothing left to do: the handler answered already. */
        Reply DONE = () -> { };

        void send() throws IOException;
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    // Our own buffers rather than Buffered*Stream: reading a request line byte by byte through
    // BufferedInputStream.read() takes its lock per byte, which was a fifth of the server's CPU.
    private byte[] input = new byte[INITIAL_INPUT];
    private int inputStart;
    private int inputEnd;
    private byte[] output = NO_BYTES;
    private int outputLength;
    private boolean keepAlive = true;
    private boolean responseStarted;

    HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Serves requests until the client closes, a response ends the connection, or an I/O error. */
    void serve(Handler handler) {
        try (socket) {
            while (keepAlive) {
                Optional<Reply> reply = handleNext(handler);
                if (reply.isEmpty()) {
                    return;
                }
                reply.get().send();
                flush();
            }
        } catch (IOException e) {
            // The client went away or the server closed the socket: nothing left to answer.
        }
    }

    /** Reads the next request and hands it over; empty when the client closed the connection. */
    private Optional<Reply> handleNext(Handler handler) throws IOException {
        Incoming request = readRequest();
        if (request == null) {
            return Optional.empty();
        }
        responseStarted = false;
        if (request.header("connection").toLowerCase(Locale.ROOT).contains("close")) {
            keepAlive = false;
        }
        return Optional.of(handler.handle(request, this));
    }

    boolean responseStarted() {
        return responseStarted;
    }

    /** Whether the connection stays open after the current response. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** A complete response with a Content-Length. */
    void sendFixed(int status, Map<String, String> headers, byte[] body) throws IOException {
        writeHead(status, headers, "content-length: " + body.length);
        buffer(body, 0, body.length);
        flush();
    }

    /**
     * A complete response already in wire form (see {@link #responseBytes}), written with one
     * system call. The array is only read.
     */
    void sendPrepared(byte[] response) throws IOException {
        responseStarted = true;
        flush();
        out.write(response);
    }

    /**
     * Starts a chunked response; follow with {@link #writeChunk} or {@link #bufferChunk}, then
     * {@link #endChunked}. The head goes out with the first flushed chunk.
     */
    void startChunked(int status, Map<String, String> headers) throws IOException {
        writeHead(status, headers, "transfer-encoding: chunked");
    }

    /** Writes and flushes one chunk, so the client sees it right away. */
    void writeChunk(byte[] bytes, int offset, int length) throws IOException {
        bufferChunk(bytes, offset, length);
        flush();
    }

    /**
     * Adds one chunk without flushing: a response whose events are all ready at once goes out in
     * one write, so neither side pays a system call and a wake-up per event.
     */
    void bufferChunk(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        byte[] size = Integer.toHexString(length).getBytes(StandardCharsets.US_ASCII);
        buffer(size, 0, size.length);
        buffer(CRLF, 0, CRLF.length);
        buffer(bytes, offset, length);
        buffer(CRLF, 0, CRLF.length);
    }

    void endChunked() throws IOException {
        buffer(LAST_CHUNK, 0, LAST_CHUNK.length);
        flush();
    }

    /** Closes the connection once the current response is written. */
    void closeAfterResponse() {
        keepAlive = false;
    }

    /** Drops the connection now, wherever the response is; safe from any thread. */
    void abort() {
        keepAlive = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    /**
     * Completes when the client closes its side. Only for a response that ends the connection
     * anyway (a stall): it consumes whatever the client sends next.
     */
    CompletableFuture<Void> watchForClientGone() {
        CompletableFuture<Void> gone = new CompletableFuture<>();
        inputStart = inputEnd; // a client sends nothing more during a response; skip what it did send
        Thread.ofVirtual().name("mock-llm-disconnect-watch").start(() -> {
            byte[] skipped = new byte[256];
            try {
                while (in.read(skipped) >= 0) {
                    // As above: anything more is skipped.
                }
            } catch (IOException e) {
                // A reset or our own abort: the connection is over either way.
            }
            gone.complete(null);
        });
        return gone;
    }

    /**
     * A whole response in wire form: the head, then the body with a Content-Length, or, for an
     * event stream, as one HTTP chunk per blank-line-terminated event.
     */
    static byte[] responseBytes(int status, Map<String, String> headers, byte[] body, boolean eventStream,
                                boolean keepAlive) {
        ByteArrayOutputStream response = new ByteArrayOutputStream(body.length + 512);
        if (!eventStream) {
            response.writeBytes(head(status, headers, "content-length: " + body.length, keepAlive));
            response.writeBytes(body);
            return response.toByteArray();
        }
        response.writeBytes(head(status, headers, "transfer-encoding: chunked", keepAlive));
        int start = 0;
        for (int i = 0; i + 1 < body.length; i++) {
            if (body[i] == '\n' && body[i + 1] == '\n') {
                chunk(response, body, start, i + 2 - start);
                start = i + 2;
                i++;
            }
        }
        chunk(response, body, start, body.length - start);
        response.writeBytes(LAST_CHUNK);
        return response.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream response, byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        response.writeBytes(Integer.toHexString(length).getBytes(StandardCharsets.US_ASCII));
        response.writeBytes(CRLF);
        response.write(bytes, offset, length);
        response.writeBytes(CRLF);
    }

    private void writeHead(int status, Map<String, String> headers, String framing) {
        responseStarted = true;
        byte[] head = head(status, headers, framing, keepAlive);
        buffer(head, 0, head.length);
    }

    private static byte[] head(int status, Map<String, String> headers, String framing, boolean keepAlive) {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("content-length") && !lower.equals("transfer-encoding") && !lower.equals("connection")) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        head.append(framing).append("\r\n");
        if (!keepAlive) {
            head.append("connection: close\r\n");
        }
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void buffer(byte[] bytes, int offset, int length) {
        if (outputLength + length > output.length) {
            output = Arrays.copyOf(output, Math.max(Math.max(INITIAL_OUTPUT, output.length * 2), outputLength + length));
        }
        System.arraycopy(bytes, offset, output, outputLength, length);
        outputLength += length;
    }

    private void flush() throws IOException {
        if (outputLength == 0) {
            return;
        }
        int length = outputLength;
        outputLength = 0;
        out.write(output, 0, length);
        if (output.length > MAX_KEPT_OUTPUT) {
            output = NO_BYTES;
        }
    }

    private Incoming readRequest() throws IOException {
        String requestLine = readLine();
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = readLine(); // tolerate stray CRLF between requests (RFC 9112 §2.2)
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3) {
            throw new IOException("malformed request line: " + requestLine);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int count = 0; ; count++) {
            String line = readLine();
            if (line == null) {
                throw new EOFException("connection closed inside request headers");
            }
            if (line.isEmpty()) {
                break;
            }
            if (count >= MAX_HEADERS) {
                throw new IOException("too many request headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>(1))
                    .add(line.substring(colon + 1).trim());
        }
        Incoming head = new Incoming(parts[0], parts[1], headers, NO_BYTES);
        if (head.header("expect").equalsIgnoreCase("100-continue")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] body;
        if (head.header("transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunkedBody();
        } else if (!head.header("content-length").isEmpty()) {
            int length = Integer.parseInt(head.header("content-length"));
            body = readBytes(length, "connection closed inside request body");
        } else {
            body = NO_BYTES;
        }
        return new Incoming(parts[0], parts[1], headers, body);
    }

    private byte[] readChunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new EOFException("connection closed inside chunked body");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine();
                } while (trailer != null && !trailer.isEmpty());
                return body.toByteArray();
            }
            body.writeBytes(readBytes(size, "connection closed inside chunk"));
            readLine();
        }
    }

    /** Exactly {@code length} bytes: what is buffered first, the rest straight from the socket. */
    private byte[] readBytes(int length, String whenShort) throws IOException {
        if (length < 0) {
            throw new IOException("negative length " + length);
        }
        byte[] bytes = new byte[length];
        int buffered = Math.min(length, inputEnd - inputStart);
        System.arraycopy(input, inputStart, bytes, 0, buffered);
        inputStart += buffered;
        if (buffered < length && in.readNBytes(bytes, buffered, length - buffered) != length - buffered) {
            throw new EOFException(whenShort);
        }
        return bytes;
    }

    /** One line without its CRLF (or bare LF); null at end of stream before any byte. */
    private String readLine() throws IOException {
        int scanned = inputStart;
        while (true) {
            for (int i = scanned; i < inputEnd; i++) {
                if (input[i] == '\n') {
                    int end = i > inputStart && input[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(input, inputStart, end - inputStart, StandardCharsets.ISO_8859_1);
                    inputStart = i + 1;
                    return line;
                }
            }
            if (inputEnd - inputStart >= MAX_LINE) {
                throw new IOException("request line or header too long");
            }
            scanned = inputEnd - inputStart;
            if (!fill()) {
                if (inputEnd == inputStart) {
                    return null;
                }
                throw new EOFException("connection closed inside a line");
            }
            scanned += inputStart; // fill() moved the pending bytes to the front
        }
    }

    /** Reads more bytes after the pending ones, moving or growing the buffer; false at end of stream. */
    private boolean fill() throws IOException {
        int pending = inputEnd - inputStart;
        if (inputStart > 0) {
            System.arraycopy(input, inputStart, input, 0, pending);
            inputStart = 0;
            inputEnd = pending;
        }
        if (inputEnd == input.length) {
            input = Arrays.copyOf(input, input.length * 2);
        }
        int read = in.read(input, inputEnd, input.length - inputEnd);
        if (read < 0) {
            return false;
        }
        inputEnd += read;
        return true;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 529 -> "Overloaded";
            default -> "Status";
        };
    }
}
