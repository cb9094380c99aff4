package dev.picrust.mcp;

import dev.picrust.llm.sse.SseEvent;
import dev.picrust.llm.sse.SseReader;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The Streamable HTTP transport (MCP 2025-03-26 to 2025-11-25), written for PiCrust because the
 * SDK's does not resume a response stream that the server closes early (SEP-1699).
 *
 * <ul>
 *   <li>Every message is its own POST ({@code Accept: application/json, text/event-stream}); the
 *       answer is 202, one JSON message, or an SSE stream read on a virtual thread.</li>
 *   <li>{@code Mcp-Session-Id} from the initialize response is sent on every later request, with
 *       {@code MCP-Protocol-Version} once negotiated; a 404 (or server-everything's 400) on a
 *       request with a session means the session is gone, which fails the request so the connection
 *       is re-established.</li>
 *   <li>An SSE stream that ends before its request's response is resumed: after the server's
 *       {@code retry} delay (1 s if none), a GET with {@code Last-Event-ID}, again until the response
 *       arrives (at most 10 times; then the request fails with a JSON-RPC error).</li>
 *   <li>After {@code notifications/initialized} a standalone GET stream carries server-initiated
 *       messages (list changes); a 405 means the server has none. It is resumed the same way.</li>
 *   <li>Configured headers go on every request; closing sends DELETE with the session id.</li>
 * </ul>
 */
final class StreamableHttpTransport implements McpClientTransport {
    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpTransport.class);
    private static final Duration DEFAULT_RETRY = Duration.ofSeconds(1);
    private static final int MAX_RESUMPTIONS = 10;
    private static final int STATUS_ACCEPTED = 202;
    /** Marks JSON-RPC errors made up here for transport failures, so the connection treats them as such. */
    static final String TRANSPORT_FAILURE = "picrust-transport-failure";

    private final String server;
    private final URI endpoint;
    private final Map<String, String> headers;
    private final McpJsonMapper json;
    private final HttpClient http;
    private final List<String> protocolVersions;
    private final Set<InputStream> openStreams = ConcurrentHashMap.newKeySet();
    private volatile Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler;
    private volatile Optional<String> sessionId = Optional.empty();
    private volatile Optional<String> protocolVersion = Optional.empty();
    private volatile boolean closed;

    StreamableHttpTransport(McpServerConfig.Http config, McpJsonMapper json, Duration connectTimeout,
                            List<String> protocolVersions) {
        this.server = config.name();
        this.endpoint = config.url();
        this.headers = config.headers();
        this.json = json;
        this.protocolVersions = List.copyOf(protocolVersions);
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public List<String> protocolVersions() {
        return protocolVersions;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> this.handler = Objects.requireNonNull(handler));
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        // The POST blocks until the response headers; it runs on a virtual thread, never on the SDK's.
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Thread.ofVirtual().name("mcp-" + server + "-post").start(() -> {
            try {
                post(message, sent);
                sent.complete(null);
            } catch (Throwable e) {
                // The SDK does not fail a request whose send failed; answer it here, so it fails now
                // (with the HTTP status in the message) instead of at its timeout.
                if (message instanceof McpSchema.JSONRPCRequest r && !closed) {
                    fail(r.id(), e.getMessage() == null ? e.toString() : e.getMessage());
                }
                sent.completeExceptionally(e);
            }
        });
        return Mono.fromFuture(sent);
    }

    private void post(McpSchema.JSONRPCMessage message, CompletableFuture<Void> sent) throws IOException, InterruptedException {
        if (closed) {
            throw new IOException("the connection to MCP server '" + server + "' is closed");
        }
        boolean initialize = message instanceof McpSchema.JSONRPCRequest r
                && McpSchema.METHOD_INITIALIZE.equals(r.method());
        HttpRequest.Builder request = request(endpoint)
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(message), StandardCharsets.UTF_8));
        if (initialize) {
            sessionId = Optional.empty();
            protocolVersion = Optional.empty();
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (initialize) {
            sessionId = response.headers().firstValue("Mcp-Session-Id");
        }
        if (status == STATUS_ACCEPTED) {
            response.body().close();
            startStandaloneStreamAfter(message);
            return;
        }
        if (status < 200 || status > 299) {
            String body = readSome(response.body());
            if (sessionId.isPresent() && !initialize && (status == 404 || status == 400)) {
                throw new IOException("MCP server '" + server + "' no longer knows the session (HTTP " + status + ")");
            }
            throw new IOException("MCP server '" + server + "' answered HTTP " + status
                    + (body.isBlank() ? "" : ": " + body));
        }
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT);
        Optional<Object> requestId = message instanceof McpSchema.JSONRPCRequest r ? Optional.of(r.id()) : Optional.empty();
        if (type.startsWith("text/event-stream")) {
            sent.complete(null);  // the caller is free; the answer comes on the stream
            readStream(response.body(), requestId, initialize);
        } else {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            // A response to a notification or response carries nothing we wait for (some servers send JSON anyway).
            if (requestId.isPresent() && !body.isBlank()) {
                dispatch(McpSchema.deserializeJsonRpcMessage(json, body), initialize);
            }
        }
        startStandaloneStreamAfter(message);
    }

    /** Reads an SSE response, resuming it with GET + Last-Event-ID until the awaited response came. */
    private void readStream(InputStream body, Optional<Object> awaited, boolean initialize) {
        Optional<String> lastEventId = Optional.empty();
        Duration retry = DEFAULT_RETRY;
        InputStream in = body;
        for (int resumptions = 0; ; resumptions++) {
            boolean answered = false;
            SseReader reader = new SseReader(in);
            openStreams.add(in);
            try (reader) {
                answered = readEvents(reader, awaited, initialize);
            } catch (IOException e) {
                LOG.debug("MCP server '{}': stream broke: {}", server, e.toString());
            } finally {
                openStreams.remove(in);
                if (reader.lastEventId().isPresent()) {
                    lastEventId = reader.lastEventId();
                }
                retry = reader.reconnectionDelay().orElse(retry);
            }
            if (answered || closed || awaited.isEmpty() && lastEventId.isEmpty()) {
                return;
            }
            if (lastEventId.isEmpty() || resumptions >= MAX_RESUMPTIONS) {
                awaited.ifPresent(id -> fail(id, "the response stream ended before the response"));
                return;
            }
            try {
                Thread.sleep(retry);  // the server's retry field says when to come back
                in = resume(lastEventId.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                awaited.ifPresent(id -> fail(id, "resuming the response stream failed: " + e.getMessage()));
                return;
            }
        }
    }

    /** Dispatches the stream's messages; true once the awaited response was among them. */
    private boolean readEvents(SseReader reader, Optional<Object> awaited, boolean initialize) throws IOException {
        Optional<SseEvent> event;
        boolean answered = false;
        while ((event = reader.next()).isPresent()) {
            String data = event.get().data();
            if (data.isBlank() || !(event.get().event().isEmpty() || event.get().event().equals("message"))) {
                continue;
            }
            McpSchema.JSONRPCMessage message = McpSchema.deserializeJsonRpcMessage(json, data);
            dispatch(message, initialize);
            if (awaited.isPresent() && message instanceof McpSchema.JSONRPCResponse r
                    && String.valueOf(r.id()).equals(String.valueOf(awaited.get()))) {
                answered = true;
            }
        }
        return answered;
    }

    private InputStream resume(String lastEventId) throws IOException, InterruptedException {
        HttpRequest request = request(endpoint).header("Accept", "text/event-stream")
                .header("Last-Event-ID", lastEventId).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("HTTP " + response.statusCode());
        }
        return response.body();
    }

    private void startStandaloneStreamAfter(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCNotification n
                && McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(n.method())) {
            Thread.ofVirtual().name("mcp-" + server + "-events").start(this::standaloneStream);
        }
    }

    /** The server's own stream (list changes and other unsolicited messages); absent if it answers 405. */
    private void standaloneStream() {
        try {
            HttpResponse<InputStream> response = http.send(request(endpoint).header("Accept", "text/event-stream")
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() != 200 || !type.startsWith("text/event-stream")) {
                response.body().close();
                return;  // 405: the server offers no standalone stream
            }
            readStream(response.body(), Optional.empty(), false);
        } catch (IOException e) {
            LOG.debug("MCP server '{}': standalone stream ended: {}", server, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
        headers.forEach(builder::header);
        sessionId.ifPresent(id -> builder.header("Mcp-Session-Id", id));
        protocolVersion.ifPresent(v -> builder.header("MCP-Protocol-Version", v));
        return builder;
    }

    private void dispatch(McpSchema.JSONRPCMessage message, boolean initialize) {
        if (initialize && message instanceof McpSchema.JSONRPCResponse r && r.result() != null) {
            McpSchema.InitializeResult result = json.convertValue(r.result(), new TypeRef<McpSchema.InitializeResult>() { });
            protocolVersion = Optional.ofNullable(result.protocolVersion());
        }
        handler.apply(Mono.just(message)).subscribe(m -> { },
                e -> LOG.warn("MCP server '{}': handling a message failed: {}", server, e.toString()));
    }

    private void fail(Object id, String why) {
        dispatch(McpSchema.JSONRPCResponse.error(id,
                new McpSchema.JSONRPCResponse.JSONRPCError(-32000,
                        why.startsWith("MCP server '") ? why : "MCP server '" + server + "': " + why,
                        TRANSPORT_FAILURE)), false);
    }

    private static String readSome(InputStream in) throws IOException {
        try (in) {
            byte[] bytes = in.readNBytes(500);
            return new String(bytes, StandardCharsets.UTF_8).strip();
        }
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (InputStream in : openStreams) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        sessionId.ifPresent(id -> {
            try {
                http.send(request(endpoint).DELETE().timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                LOG.debug("MCP server '{}': DELETE of the session failed: {}", server, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        http.shutdownNow();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }
}
