package dev.picrust.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A request as read off the wire; headers keyed case-insensitively. */
    record Incoming(String method, String target, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? "" : values.getFirst();
        }
    }

    interface Handler {
        void handle(Incoming request, HttpConnection connection) throws IOException;
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean keepAlive = true;
    private boolean responseStarted;

    HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    }

    /** Serves requests until the client closes, a response ends the connection, or an I/O error. */
    void serve(Handler handler) {
        try (socket) {
            while (keepAlive) {
                Incoming request = readRequest();
                if (request == null) {
                    return;
                }
                responseStarted = false;
                if (request.header("connection").toLowerCase(Locale.ROOT).contains("close")) {
                    keepAlive = false;
                }
                handler.handle(request, this);
                out.flush();
            }
        } catch (IOException e) {
            // The client went away or the server closed the socket: nothing left to answer.
        }
    }

    boolean responseStarted() {
        return responseStarted;
    }

    /** A complete response with a Content-Length. */
    void sendFixed(int status, Map<String, String> headers, byte[] body) throws IOException {
        writeHead(status, headers, "content-length: " + body.length);
        out.write(body);
        out.flush();
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
        out.flush();
    }

    /**
     * Adds one chunk without flushing: a response whose events are all ready at once goes out in
     * as few writes as the buffer allows, so neither side pays a system call and a wake-up per event.
     */
    void bufferChunk(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        out.write(Integer.toHexString(length).getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.write(bytes, offset, length);
        out.write(CRLF);
    }

    void endChunked() throws IOException {
        out.write(LAST_CHUNK);
        out.flush();
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
        Thread.ofVirtual().name("mock-llm-disconnect-watch").start(() -> {
            try {
                while (in.read() >= 0) {
                    // A client sends nothing more during a response; skip anything it does send.
                }
            } catch (IOException e) {
                // A reset or our own abort: the connection is over either way.
            }
            gone.complete(null);
        });
        return gone;
    }

    private void writeHead(int status, Map<String, String> headers, String framing) throws IOException {
        responseStarted = true;
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
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
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
        Incoming head = new Incoming(parts[0], parts[1], headers, new byte[0]);
        if (head.header("expect").equalsIgnoreCase("100-continue")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body;
        if (head.header("transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunkedBody();
        } else if (!head.header("content-length").isEmpty()) {
            int length = Integer.parseInt(head.header("content-length"));
            body = in.readNBytes(length);
            if (body.length != length) {
                throw new EOFException("connection closed inside request body");
            }
        } else {
            body = new byte[0];
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
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("connection closed inside chunk");
            }
            body.write(chunk);
            readLine();
        }
    }

    /** One line without its CRLF (or bare LF); null at end of stream before any byte. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("request line or header too long");
            }
            line.write(b);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new EOFException("connection closed inside a line");
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
