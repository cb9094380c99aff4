package dev.picrust.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.picrust.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serves an {@link AgentMcpServer} over Streamable HTTP at {@code http://127.0.0.1:<port>/mcp}
 * (loopback only). Every request must carry {@code Authorization: Bearer <token>} (401 otherwise;
 * only a server started explicitly without a token skips this)
 * and, if it has an {@code Origin}, a loopback one (403 otherwise, against DNS rebinding).
 * {@code initialize} opens a session ({@code Mcp-Session-Id}); later requests must carry a known
 * one (400 without, 404 when unknown). Tool calls are answered as an SSE stream: progress
 * notifications while the agent works, then the result; other requests as JSON. GET answers 405 (no
 * standalone stream); DELETE ends the session.
 */
public final class McpHttpServer implements AutoCloseable {
    private final AgentMcpServer server;
    private final Optional<byte[]> token;
    private final HttpServer http;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong eventIds = new AtomicLong();

    private McpHttpServer(AgentMcpServer server, Optional<String> token, int port) throws IOException {
        if (token.isPresent() && token.get().length() < 16) {
            throw new IllegalArgumentException("the bearer token must have at least 16 characters");
        }
        this.server = server;
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/mcp", this::exchange);
    }

    /** Starts serving on {@code port} of 127.0.0.1 (0 = any free port), for clients with the token. */
    public static McpHttpServer start(AgentMcpServer server, String bearerToken, int port) throws IOException {
        return start(server, Optional.of(bearerToken), port);
    }

    /**
     * As {@link #start(AgentMcpServer, String, int)}; an empty token lets every local process in
     * (for test suites that cannot send headers, such as the MCP conformance suite).
     */
    public static McpHttpServer start(AgentMcpServer server, Optional<String> bearerToken, int port) throws IOException {
        McpHttpServer s = new McpHttpServer(server, bearerToken, port);
        s.http.start();
        return s;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/mcp");
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!originAllowed(exchange)) {
                send(exchange, 403, AgentMcpServer.error(NullNode.getInstance(), -32000, "Forbidden origin"));
                return;
            }
            if (!authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                send(exchange, 401, AgentMcpServer.error(NullNode.getInstance(), -32000, "Missing or wrong bearer token"));
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "POST" -> post(exchange);
                case "DELETE" -> {
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Mcp-Session-Id")).ifPresent(sessions::remove);
                    exchange.sendResponseHeaders(200, -1);
                }
                default -> {
                    exchange.getResponseHeaders().set("Allow", "POST, DELETE");
                    exchange.sendResponseHeaders(405, -1);
                }
            }
        }
    }

    private void post(HttpExchange exchange) throws IOException {
        JsonNode message;
        try {
            message = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            send(exchange, 400, AgentMcpServer.error(NullNode.getInstance(), -32700, "Parse error"));
            return;
        }
        boolean initialize = "initialize".equals(message.path("method").asText());
        String session = exchange.getRequestHeaders().getFirst("Mcp-Session-Id");
        if (initialize) {
            session = UUID.randomUUID().toString();
            sessions.add(session);
            exchange.getResponseHeaders().set("Mcp-Session-Id", session);
        } else if (session == null) {
            send(exchange, 400, AgentMcpServer.error(NullNode.getInstance(), -32000, "Bad Request: no Mcp-Session-Id"));
            return;
        } else if (!sessions.contains(session)) {
            send(exchange, 404, AgentMcpServer.error(NullNode.getInstance(), -32001, "Session not found"));
            return;
        }
        boolean request = message.hasNonNull("id") && message.has("method");
        if (!request) {
            server.handle(message, n -> { });
            exchange.sendResponseHeaders(202, -1);
            return;
        }
        if (!"tools/call".equals(message.path("method").asText())) {
            send(exchange, 200, server.handle(message, n -> { }).orElseThrow());
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        ReentrantLock lock = new ReentrantLock();
        java.util.function.Consumer<JsonNode> event = m -> {
            lock.lock();
            try {
                out.write(("id: " + eventIds.incrementAndGet() + "\nevent: message\ndata: " + Json.write(m) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // the client went away; the call finishes and its result is dropped
            } finally {
                lock.unlock();
            }
        };
        server.handle(message, event).ifPresent(event);
    }

    private boolean authorized(HttpExchange exchange) {
        if (token.isEmpty()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8), token.get());
    }

    private static boolean originAllowed(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return true;
        }
        try {
            String host = URI.create(origin).getHost();
            return host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
