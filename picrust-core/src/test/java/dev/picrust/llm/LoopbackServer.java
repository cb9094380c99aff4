package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.picrust.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted HTTP server on 127.0.0.1 for provider tests: each request gets the next queued reply,
 * and every request (headers and body) is recorded. Replies that hold the connection open wait on
 * a latch released when the server closes.
 */
public final class LoopbackServer implements AutoCloseable {

    /** What the server received. */
    public record Received(String method, String path, Headers headers, String body) {
        public JsonNode json() {
            try {
                return Json.parse(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** Writes one response. */
    @FunctionalInterface
    public interface Reply {
        void write(HttpExchange exchange, CountDownLatch serverClosing) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    public LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public LoopbackServer then(Reply reply) {
        replies.add(reply);
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders(), body));
            Reply reply = replies.poll();
            if (reply == null) {
                byte[] bytes = "{\"type\":\"error\",\"error\":{\"type\":\"test_error\",\"message\":\"no scripted reply\"}}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("x-should-retry", "false");
                exchange.sendResponseHeaders(418, bytes.length);
                exchange.getResponseBody().write(bytes);
                return;
            }
            reply.write(exchange, closing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientWentAway) {
            // The client closing a stream early is part of several tests.
        }
    }

    // ---- replies

    public static Reply json(int status, Map<String, String> headers, String body) {
        return (exchange, closing) -> {
            headers.forEach(exchange.getResponseHeaders()::add);
            exchange.getResponseHeaders().set("content-type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    public static Reply json(int status, String body) {
        return json(status, Map.of(), body);
    }

    /** A complete 200 event stream, sent in chunked encoding. */
    public static Reply sse(String body) {
        return sse(Map.of(), body);
    }

    public static Reply sse(Map<String, String> headers, String body) {
        return (exchange, closing) -> {
            OutputStream out = startStream(exchange, headers);
            out.write(body.getBytes(StandardCharsets.UTF_8));
        };
    }

    /** Sends {@code first}, then keeps the connection open and silent until the server closes. */
    public static Reply sseThenStall(String first) {
        return (exchange, closing) -> {
            OutputStream out = startStream(exchange, Map.of());
            out.write(first.getBytes(StandardCharsets.UTF_8));
            out.flush();
            closing.await(60, TimeUnit.SECONDS);
        };
    }

    /** Never answers (no status line) until the server closes. */
    public static Reply silence() {
        return (exchange, closing) -> closing.await(60, TimeUnit.SECONDS);
    }

    /** Replays one recorded exchange: status, the headers that make sense to repeat, body bytes. */
    public static Reply recorded(JsonNode response) {
        int status = response.get("status_code").asInt();
        JsonNode body = response.get("body");
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        response.get("headers").properties().forEach(h -> {
            String name = h.getKey().toLowerCase();
            if (!List.of("content-length", "transfer-encoding", "connection", "content-encoding").contains(name)) {
                headers.put(name, h.getValue().asText());
            }
        });
        if (body.isTextual()) {
            return (exchange, closing) -> {
                OutputStream out = startStream(exchange, headers, status);
                out.write(body.asText().getBytes(StandardCharsets.UTF_8));
            };
        }
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        return (exchange, closing) -> {
            headers.forEach(exchange.getResponseHeaders()::add);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    private static OutputStream startStream(HttpExchange exchange, Map<String, String> headers) throws IOException {
        return startStream(exchange, headers, 200);
    }

    /** Headers now, body in chunked encoding as it is written. */
    private static OutputStream startStream(HttpExchange exchange, Map<String, String> headers, int status)
            throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, 0);
        return exchange.getResponseBody();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
