package dev.picrust.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * A real HTTP server on 127.0.0.1 that speaks the Anthropic Messages, OpenAI Chat Completions and
 * Gemini wire formats, for testing providers and anything that drives them over the network. Each
 * request takes the next {@link ServerStep} of the script, whatever its path; the path only
 * chooses the format a scripted response, error or stall is written in ({@link WireFormat}:
 * {@code /v1/messages}, {@code /v1/chat/completions}, {@code /models/M:generateContent} or
 * {@code :streamGenerateContent}). Raw steps are sent as they are. When the script is empty the
 * {@link #respondAlways} responder answers, or, without one, an HTTP 500 with
 * {@code x-should-retry: false} names the unscripted request.
 *
 * <p>Every connection is served by its own virtual thread, so thousands of concurrent streams
 * are cheap. {@link #close()} drops every connection, releases stalls and holds, and waits for
 * the connection threads to finish.
 *
 * <pre>{@code
 * try (var server = MockLlmServer.start()) {
 *     server.enqueue(ServerStep.rateLimited(Duration.ofSeconds(1)), ServerStep.text("hello"));
 *     // point the client at server.baseUrl() + "/v1/messages"
 *     RecordedRequest first = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
 * }
 * }</pre>
 */
public final class MockLlmServer implements AutoCloseable {
    private static final int BACKLOG = 4096;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> connectionThreads = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<ServerStep> script = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> recorded = new ArrayList<>();
    private final LinkedBlockingQueue<RecordedRequest> arrivals = new LinkedBlockingQueue<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger unscriptedCount = new AtomicInteger();
    private final AtomicInteger connectionNumber = new AtomicInteger();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final CompletableFuture<Void> closedSignal = new CompletableFuture<>();
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean recordRequests = true;
    private volatile Optional<Function<RecordedRequest, ServerStep>> fallback = Optional.empty();
    private volatile ToIntFunction<RecordedRequest> tokenCounter = request -> request.body().toString().length() / 4;

    private MockLlmServer(int port) throws IOException {
        serverSocket = new ServerSocket(port, BACKLOG, InetAddress.getByName("127.0.0.1"));
        acceptor = Thread.ofVirtual().name("mock-llm-accept-" + serverSocket.getLocalPort()).start(this::acceptLoop);
    }

    /** A server on a free port. */
    public static MockLlmServer start() {
        return start(0);
    }

    /** A server on {@code port} (0 for a free one). */
    public static MockLlmServer start(int port) {
        try {
            return new MockLlmServer(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind 127.0.0.1:" + port, e);
        }
    }

    /** A started server whose script is the recorded exchanges of an {@code anthropic-http-*.json} file. */
    public static MockLlmServer replayExchanges(Path exchangesFile) {
        MockLlmServer server = start();
        server.enqueueExchanges(exchangesFile);
        return server;
    }

    // ---- script

    public MockLlmServer enqueue(ServerStep... steps) {
        for (ServerStep step : steps) {
            script.add(Objects.requireNonNull(step, "step"));
        }
        return this;
    }

    public MockLlmServer enqueue(List<? extends ServerStep> steps) {
        steps.forEach(this::enqueue);
        return this;
    }

    public MockLlmServer replyText(String text) {
        return enqueue(ServerStep.text(text));
    }

    public MockLlmServer replyToolUse(String toolName, JsonNode input) {
        return enqueue(ServerStep.toolUse(toolName, input));
    }

    public MockLlmServer reply(LlmResponse response) {
        return enqueue(ServerStep.respond(response));
    }

    /** Enqueues one step per exchange recorded in an {@code anthropic-http-*.json} file. */
    public MockLlmServer enqueueExchanges(Path exchangesFile) {
        return enqueue(ServerStep.exchanges(exchangesFile));
    }

    /** Enqueues a recorded {@code *.sse} file, served byte for byte. */
    public MockLlmServer serveSseFile(Path sseFile) {
        return enqueue(ServerStep.sseFile(sseFile));
    }

    /** Enqueues a {@code *.jsonl} chunk file replayed as Anthropic SSE. */
    public MockLlmServer serveJsonlChunks(Path jsonlFile) {
        return enqueue(ServerStep.jsonlChunks(jsonlFile));
    }

    /** Answers every request that finds the script empty, for long-running drivers such as benchmarks. */
    public MockLlmServer respondAlways(Function<RecordedRequest, ServerStep> responder) {
        this.fallback = Optional.of(Objects.requireNonNull(responder, "responder"));
        return this;
    }

    /**
     * How token-count requests are answered (Anthropic {@code POST /v1/messages/count_tokens},
     * Gemini {@code models/M:countTokens}); default: a quarter of the request body's JSON length.
     * Count requests are recorded but take no step of the script.
     */
    public MockLlmServer countTokensWith(ToIntFunction<RecordedRequest> counter) {
        this.tokenCounter = Objects.requireNonNull(counter, "counter");
        return this;
    }

    /** Delay before each response starts (after any gate), e.g. to model a model's time to first token. */
    public MockLlmServer latency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        this.latency = delay;
        return this;
    }

    /** Stops (or resumes) keeping requests, so a long benchmark does not grow without bound. */
    public MockLlmServer recordRequests(boolean record) {
        this.recordRequests = record;
        return this;
    }

    // ---- observations

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Every recorded request so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /**
     * The next recorded request not taken yet, waiting up to {@code timeout} for it to arrive;
     * empty on timeout.
     */
    public Optional<RecordedRequest> takeRequest(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(arrivals.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Requests received so far, recorded or not. */
    public int requestCount() {
        return requestCount.get();
    }

    /** Requests that found neither a scripted step nor a responder (answered with HTTP 500). */
    public int unscriptedRequestCount() {
        return unscriptedCount.get();
    }

    /** Steps not yet consumed. */
    public int remainingSteps() {
        return script.size();
    }

    /** Connections currently open. */
    public int openConnections() {
        return connections.size();
    }

    // ---- lifecycle

    /**
     * Stops accepting, drops every open connection (stalled ones end with
     * {@link ServerStep.StallEnd#SERVER_CLOSED}) and waits a few seconds for connection threads.
     */
    @Override
    public void close() {
        if (closedLatch.getCount() == 0) {
            return;
        }
        closedLatch.countDown();
        closedSignal.complete(null);
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // Closing is best effort; the accept loop ends either way.
        }
        connections.forEach(HttpConnection::abort);
        connectionThreads.forEach(Thread::interrupt); // ends latency sleeps now
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            acceptor.join(CLOSE_WAIT);
            for (Thread thread : connectionThreads) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isClosed() {
        return closedLatch.getCount() == 0;
    }

    private void acceptLoop() {
        while (!isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                socket.setTcpNoDelay(true); // small SSE chunks must not wait for Nagle
            } catch (SocketException ignored) {
                // Loopback sockets support it; if not, streaming is only slower.
            }
            Thread.ofVirtual().name("mock-llm-conn-" + connectionNumber.incrementAndGet()).start(() -> serve(socket));
        }
    }

    private void serve(Socket socket) {
        Thread self = Thread.currentThread();
        connectionThreads.add(self);
        HttpConnection connection;
        try {
            connection = new HttpConnection(socket);
        } catch (IOException e) {
            connectionThreads.remove(self);
            closeQuietly(socket);
            return;
        }
        connections.add(connection);
        try {
            if (isClosed()) {
                connection.abort(); // close() ran between accept and registration
            }
            connection.serve(this::handle);
        } finally {
            connections.remove(connection);
            connectionThreads.remove(self);
        }
    }

    private HttpConnection.Reply handle(HttpConnection.Incoming incoming, HttpConnection connection)
            throws IOException {
        int number = requestCount.incrementAndGet();
        if (isTokenCount(incoming.target())) {
            RecordedRequest request = record(incoming);
            int tokens = tokenCounter.applyAsInt(request);
            JsonNode answer = request.path().endsWith(":countTokens")
                    ? Json.object().put("totalTokens", tokens) : Json.object().put("input_tokens", tokens);
            connection.sendFixed(200, withRequestId(ServerStep.JSON_HEADERS),
                    Json.write(answer).getBytes(StandardCharsets.UTF_8));
            return HttpConnection.Reply.DONE;
        }
        ServerStep step = script.poll();
        if (step == null) {
            Optional<byte[]> prepared = preparedAnswer(incoming, connection);
            if (prepared.isPresent()) {
                byte[] response = prepared.get();
                // Sleeps after the request is dropped: thousands of waiting requests keep nothing alive.
                return () -> {
                    if (delay()) {
                        connection.sendPrepared(response);
                    }
                };
            }
        }
        RecordedRequest request = record(incoming);
        if (step == null) {
            step = fallback.<ServerStep>map(ServerStep.Dynamic::new).orElse(null);
        }
        if (step == null) {
            unscriptedCount.incrementAndGet();
            step = ServerStep.httpError(500, "api_error", "MockLlmServer has no scripted step for request #" + number
                            + " (" + request.method() + " " + request.path() + "); enqueue more steps or set respondAlways(...)")
                    .withHeader("x-should-retry", "false");
        }
        try {
            perform(step, request, connection);
        } catch (RuntimeException e) {
            if (connection.responseStarted()) {
                connection.abort();
            } else {
                ServerStep.HttpError failure = ServerStep.httpError(500, "api_error",
                        "MockLlmServer responder failed: " + e).withHeader("x-should-retry", "false");
                sendError(failure, request.wireFormat(), connection);
            }
        }
        return HttpConnection.Reply.DONE;
    }

    /**
     * The load-run path: with recording off, a {@link ToolLoopResponder} answers from the body
     * bytes with a response encoded up front (no JSON tree). Empty when this path does not apply.
     */
    private Optional<byte[]> preparedAnswer(HttpConnection.Incoming incoming, HttpConnection connection) {
        if (recordRequests || !connection.keepAlive()
                || !(fallback.orElse(null) instanceof ToolLoopResponder loop)) {
            return Optional.empty();
        }
        return loop.prepared(incoming.body());
    }

    private RecordedRequest record(HttpConnection.Incoming incoming) {
        String target = incoming.target();
        int question = target.indexOf('?');
        String path = question >= 0 ? target.substring(0, question) : target;
        String query = question >= 0 ? target.substring(question + 1) : "";
        RecordedRequest request = new RecordedRequest(incoming.method(), path, query, incoming.headers(),
                parseBody(incoming.body()), Instant.now());
        if (recordRequests) {
            synchronized (recorded) {
                recorded.add(request);
            }
            arrivals.add(request);
        }
        return request;
    }

    private static JsonNode parseBody(byte[] body) {
        if (body.length == 0) {
            return NullNode.getInstance();
        }
        try {
            return Json.parse(body);
        } catch (IOException e) {
            return TextNode.valueOf(new String(body, StandardCharsets.UTF_8));
        }
    }

    private static boolean isTokenCount(String target) {
        int question = target.indexOf('?');
        String path = question >= 0 ? target.substring(0, question) : target;
        return path.endsWith("/messages/count_tokens") || path.endsWith(":countTokens");
    }

    private void perform(ServerStep step, RecordedRequest request, HttpConnection connection) throws IOException {
        switch (step) {
            case ServerStep.Dynamic dynamic -> perform(
                    Objects.requireNonNull(dynamic.responder().apply(request), "responder returned null"),
                    request, connection);
            case ServerStep.Held held -> {
                if (!waitFor(held.gate().arrive())) {
                    connection.abort();
                    return;
                }
                perform(held.then(), request, connection);
            }
            case ServerStep.Respond respond -> {
                if (delay()) {
                    sendResponse(respond.response(), request.wireFormat(), request.isStreaming(), connection);
                }
            }
            case ServerStep.HttpError error -> {
                if (delay()) {
                    sendError(error, request.wireFormat(), connection);
                }
            }
            case ServerStep.MidStreamError failure -> {
                if (delay()) {
                    sendMidStreamError(failure, request.wireFormat(), connection);
                }
            }
            case ServerStep.Stall stall -> {
                if (delay()) {
                    stall(stall, request.wireFormat(), request.isStreaming(), connection);
                }
            }
            case ServerStep.Raw raw -> {
                if (delay()) {
                    sendRaw(raw, connection);
                }
            }
        }
    }

    /** Waits out the latency; false if the server closed meanwhile (the connection is dropped). */
    private boolean delay() {
        Duration wait = latency;
        if (wait.isZero() || isClosed()) {
            return !isClosed();
        }
        // A plain sleep, which close() interrupts: thousands of timed waits on the one close latch
        // would make every expiring wait scan all the others in the latch's wait queue.
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !isClosed();
    }

    /** Waits for {@code signal} or server close; true if it was the signal. */
    private boolean waitFor(CompletableFuture<Void> signal) {
        try {
            CompletableFuture.anyOf(signal, closedSignal).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
        return signal.isDone() && !isClosed();
    }

    private static void sendResponse(LlmResponse response, WireFormat format, boolean streaming,
                                     HttpConnection connection) throws IOException {
        if (streaming) {
            connection.startChunked(200, withRequestId(ServerStep.SSE_HEADERS));
            for (SseEvent event : events(format, response)) {
                byte[] bytes = event.toWire().getBytes(StandardCharsets.UTF_8);
                connection.bufferChunk(bytes, 0, bytes.length);
            }
            connection.endChunked();
        } else {
            JsonNode message = switch (format) {
                case ANTHROPIC -> AnthropicWireFormat.message(response);
                case OPENAI_CHAT -> OpenAiWireFormat.completion(response);
                case GEMINI -> GeminiWireFormat.response(response);
            };
            byte[] body = Json.write(message).getBytes(StandardCharsets.UTF_8);
            connection.sendFixed(200, withRequestId(ServerStep.JSON_HEADERS), body);
        }
    }

    private static void sendError(ServerStep.HttpError error, WireFormat format, HttpConnection connection)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(ServerStep.JSON_HEADERS);
        headers.put("request-id", error.requestId());
        headers.put("x-request-id", error.requestId());
        headers.putAll(error.headers());
        JsonNode json = switch (format) {
            case ANTHROPIC -> AnthropicWireFormat.error(error.errorType(), error.message(), error.requestId());
            case OPENAI_CHAT -> OpenAiWireFormat.error(error.errorType(), error.message());
            case GEMINI -> GeminiWireFormat.error(error.status(), error.errorType(), error.message());
        };
        byte[] body = Json.write(json).getBytes(StandardCharsets.UTF_8);
        connection.sendFixed(error.status(), headers, body);
    }

    private static void sendMidStreamError(ServerStep.MidStreamError failure, WireFormat format,
                                           HttpConnection connection) throws IOException {
        connection.closeAfterResponse();
        connection.startChunked(200, withRequestId(ServerStep.SSE_HEADERS));
        List<SseEvent> events = events(format, failure.response());
        for (SseEvent event : events.subList(0, Math.min(failure.eventsBeforeError(), events.size()))) {
            byte[] bytes = event.toWire().getBytes(StandardCharsets.UTF_8);
            connection.writeChunk(bytes, 0, bytes.length);
        }
        SseEvent errorEvent = switch (format) {
            case ANTHROPIC -> AnthropicWireFormat.errorEvent(failure.errorType(), failure.message());
            case OPENAI_CHAT -> OpenAiWireFormat.errorEvent(failure.errorType(), failure.message());
            case GEMINI -> GeminiWireFormat.errorEvent(failure.errorType(), failure.message());
        };
        byte[] error = errorEvent.toWire().getBytes(StandardCharsets.UTF_8);
        connection.writeChunk(error, 0, error.length);
        connection.endChunked();
    }

    private void stall(ServerStep.Stall stall, WireFormat format, boolean streaming, HttpConnection connection)
            throws IOException {
        connection.closeAfterResponse();
        try {
            if (streaming) {
                connection.startChunked(200, withRequestId(ServerStep.SSE_HEADERS));
                LlmResponse started = ServerStep.text("The answer stalls here").response();
                byte[] messageStart = events(format, started).getFirst().toWire()
                        .getBytes(StandardCharsets.UTF_8);
                connection.writeChunk(messageStart, 0, messageStart.length);
            }
            CompletableFuture<Void> released = stall.release().arrive();
            CompletableFuture<Void> clientGone = connection.watchForClientGone();
            try {
                CompletableFuture.anyOf(released, clientGone, closedSignal).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("stall signal failed", e);
            }
            ServerStep.StallEnd end = isClosed() ? ServerStep.StallEnd.SERVER_CLOSED
                    : released.isDone() ? ServerStep.StallEnd.RELEASED
                    : ServerStep.StallEnd.CLIENT_DISCONNECTED;
            stall.ended().complete(end);
        } catch (IOException e) {
            stall.ended().complete(ServerStep.StallEnd.CLIENT_DISCONNECTED);
            throw e;
        } finally {
            connection.abort();
        }
    }

    private static void sendRaw(ServerStep.Raw raw, HttpConnection connection) throws IOException {
        connection.sendPrepared(HttpConnection.responseBytes(raw.status(), raw.headers(), raw.body(),
                raw.isEventStream(), connection.keepAlive()));
    }

    /** The stream of a response in the request's format. */
    private static List<SseEvent> events(WireFormat format, LlmResponse response) {
        return switch (format) {
            case ANTHROPIC -> AnthropicWireFormat.events(response);
            case OPENAI_CHAT -> OpenAiWireFormat.events(response);
            case GEMINI -> GeminiWireFormat.events(response);
        };
    }

    private static Map<String, String> withRequestId(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("request-id", "req_mock_" + GeneratedIds.messageId().substring(4));
        return all;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do: the socket is being discarded.
        }
    }
}
