package dev.picrust.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolResult;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one MCP server, kept alive: connected at start, its tool list cached (and
 * replaced on {@code notifications/tools/list_changed}), reconnected with exponential backoff when
 * the server dies or a call fails at the transport level. Every call is bounded by the call timeout,
 * so a dead or hung server yields an error result, never a stuck agent.
 *
 * <p>All blocking happens on the calling (virtual) thread or on virtual threads of this class; the
 * SDK's reactive internals stay inside the SDK.
 */
final class McpServerConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpServerConnection.class);
    /** Streamable HTTP exists since 2025-03-26; the newest is offered first and the server may go lower. */
    static final List<String> HTTP_PROTOCOL_VERSIONS = List.of(ProtocolVersions.MCP_2025_03_26,
            ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_11_25);
    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(Json.mapper().copy()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false));

    private final McpServerConfig config;
    private final McpClientOptions options;
    private final Runnable onToolsChanged;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Calls in flight, newest first: server requests (elicitation) go to the newest one's agent. */
    private final ConcurrentLinkedDeque<ToolContext> calls = new ConcurrentLinkedDeque<>();
    private final Map<String, ToolContext> progressTokens = new ConcurrentHashMap<>();
    /** Answers awaited, with the connection generation they were sent on: failed at once when it is lost. */
    private final Map<CompletableFuture<McpSchema.CallToolResult>, Integer> pending = new ConcurrentHashMap<>();

    // guarded by lock
    private McpSyncClient client;
    private ProcessTransport process;
    private int generation;
    private boolean closed;
    private boolean reconnecting;

    private volatile McpServerStatus status = new McpServerStatus.Connecting();
    private volatile List<Tool> tools = List.of();

    McpServerConnection(McpServerConfig config, McpClientOptions options, Runnable onToolsChanged) {
        this.config = config;
        this.options = options;
        this.onToolsChanged = onToolsChanged;
    }

    String name() {
        return config.name();
    }

    McpServerConfig config() {
        return config;
    }

    McpServerStatus status() {
        return status;
    }

    /**
     * The server's tools as of the last listing (kept while it is reconnected; empty before the first
     * connection and after close). Same instance while unchanged.
     */
    List<Tool> tools() {
        return tools;
    }

    /** The server process's id (stdio servers that are running). */
    Optional<Long> pid() {
        lock.lock();
        try {
            return process == null ? Optional.empty() : process.pid();
        } finally {
            lock.unlock();
        }
    }

    /** First connection; on failure the server is reconnected in the background. */
    void start() {
        try {
            connect();
        } catch (RuntimeException e) {
            lost(generationNow(), describe(e));
        }
    }

    private int generationNow() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /** Connects, initializes and lists the tools; throws if any step fails. */
    private void connect() {
        int gen;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            gen = ++generation;
        } finally {
            lock.unlock();
        }
        McpClientTransport transport;
        ProcessTransport processTransport = null;
        switch (config) {
            case McpServerConfig.Stdio stdio -> {
                processTransport = new ProcessTransport(stdio, JSON, reason -> lost(gen, reason));
                transport = processTransport;
            }
            case McpServerConfig.Http http -> transport = new StreamableHttpTransport(http, JSON,
                    options.connectTimeout(), HTTP_PROTOCOL_VERSIONS);
        }
        McpClient.SyncSpec spec = McpClient.sync(new ProgressInOrder(transport, this::progress))
                // Listing tools while connecting may take up to the connect timeout; tool calls are bounded
                // by call() itself, so the SDK's one request timeout is the larger of the two.
                .requestTimeout(options.callTimeout().compareTo(options.connectTimeout()) > 0
                        ? options.callTimeout() : options.connectTimeout())
                .initializationTimeout(options.connectTimeout())
                .clientInfo(new McpSchema.Implementation("picrust", "PiCrust for Java", McpClientOptions.VERSION))
                .toolsChangeConsumer(list -> toolsChanged(gen, list))
                .loggingConsumer(m -> LOG.info("[mcp:{}] {} {}", config.name(), m.level(), m.data()));
        McpSchema.ClientCapabilities.Builder capabilities = McpSchema.ClientCapabilities.builder();
        if (options.elicitation()) {
            capabilities.elicitation();
            spec.elicitation(request -> Elicitation.ask(config.name(), request, Optional.ofNullable(calls.peekFirst())))
                    .applyElicitationDefaults(true);
        }
        options.sampling().ifPresent(sampler -> {
            capabilities.sampling();
            spec.sampling(sampler::createMessage);
        });
        McpSyncClient newClient = spec.capabilities(capabilities.build()).build();
        try {
            McpSchema.InitializeResult init = newClient.initialize();
            // A server without the tools capability (prompts or resources only) offers no tools.
            List<McpSchema.Tool> listed = init.capabilities() != null && init.capabilities().tools() != null
                    ? listAll(newClient) : List.of();
            lock.lock();
            try {
                if (closed || gen != generation) {
                    throw new IllegalStateException("connection superseded");
                }
                client = newClient;
                process = processTransport;
                setTools(listed);
                status = new McpServerStatus.Connected(init.serverInfo().name(), init.serverInfo().version(),
                        init.protocolVersion(), tools.size());
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            LOG.info("MCP server '{}' connected: {}", config.name(), status.describe());
        } catch (RuntimeException e) {
            closeQuietly(newClient, processTransport);
            throw e;
        }
        onToolsChanged.run();
    }

    private static List<McpSchema.Tool> listAll(McpSyncClient client) {
        List<McpSchema.Tool> all = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListToolsResult page = cursor == null ? client.listTools() : client.listTools(cursor);
            if (page.tools() != null) {
                all.addAll(page.tools());
            }
            cursor = page.nextCursor();
        } while (cursor != null && !cursor.isEmpty());
        return all;
    }

    private void toolsChanged(int gen, List<McpSchema.Tool> listed) {
        lock.lock();
        try {
            if (closed || gen != generation || client == null) {
                return;
            }
            setTools(listed);
            if (status instanceof McpServerStatus.Connected c) {
                status = new McpServerStatus.Connected(c.serverName(), c.serverVersion(), c.protocolVersion(),
                        tools.size());
            }
        } finally {
            lock.unlock();
        }
        LOG.info("MCP server '{}' changed its tools: now {}", config.name(), listed.size());
        onToolsChanged.run();
    }

    /** Called with the lock held. */
    private void setTools(List<McpSchema.Tool> listed) {
        Map<String, String> names = McpToolNames.forServer(config.name(),
                listed.stream().map(McpSchema.Tool::name).toList());
        tools = listed.stream().<Tool>map(t -> McpTool.of(names.get(t.name()), t, this)).toList();
    }

    /**
     * The server went away ({@code gen} tells which connection): a background thread reconnects with
     * backoff; its last known tools stay offered meanwhile. Reports about an older connection are ignored.
     */
    private void lost(int gen, String reason) {
        McpSyncClient old;
        ProcessTransport oldProcess;
        lock.lock();
        try {
            if (closed || gen != generation) {
                return;
            }
            generation++;  // the lost connection's late callbacks are ignored from now on
            old = client;
            oldProcess = process;
            client = null;
            process = null;
            // The tools stay offered: a call waits for the reconnect (within its timeout), and the model's
            // tool list (and with it the prompt cache) does not flap with every outage.
            status = new McpServerStatus.Disconnected(reason, 1, Instant.now().plus(options.initialBackoff()));
            changed.signalAll();
            if (reconnecting) {
                old = null;
            } else {
                reconnecting = true;
                Thread.ofVirtual().name("mcp-" + config.name() + "-reconnect").start(this::reconnect);
            }
        } finally {
            lock.unlock();
        }
        LOG.warn("MCP server '{}' lost: {}", config.name(), reason);
        pending.forEach((answer, sentOn) -> {
            if (sentOn == gen) {
                answer.completeExceptionally(new IllegalStateException(reason));
            }
        });
        closeQuietly(old, oldProcess);
        onToolsChanged.run();
    }

    private void reconnect() {
        Duration delay = options.initialBackoff();
        int attempt = 1;
        try {
            while (true) {
                lock.lock();
                try {
                    Instant due = Instant.now().plus(delay);
                    if (status instanceof McpServerStatus.Disconnected d) {
                        status = new McpServerStatus.Disconnected(d.reason(), attempt, due);
                    }
                    long nanos = delay.toNanos();
                    while (!closed && nanos > 0) {
                        nanos = changed.awaitNanos(nanos);
                    }
                    if (closed) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                try {
                    connect();
                    return;
                } catch (RuntimeException e) {
                    String reason = describe(e);
                    LOG.info("MCP server '{}': reconnect attempt {} failed: {}", config.name(), attempt, reason);
                    attempt++;
                    delay = delay.multipliedBy(2).compareTo(options.maxBackoff()) > 0 ? options.maxBackoff()
                            : delay.multipliedBy(2);
                    lock.lock();
                    try {
                        status = new McpServerStatus.Disconnected(reason, attempt, Instant.now().plus(delay));
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.lock();
            try {
                reconnecting = false;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Calls a tool. Waits for a connection (a reconnect under way) and for the answer, both within
     * the call timeout; an interrupt of the turn cancels the wait and propagates as
     * {@link CancellationException}.
     */
    ToolResult call(String toolName, JsonNode input, ToolContext context) throws InterruptedException {
        Instant deadline = Instant.now().plus(options.callTimeout());
        Cancellation cancellation = context.cancellation();
        Optional<Connected> connected = awaitConnected(deadline, cancellation);
        if (connected.isEmpty()) {
            cancellation.throwIfCancelled();
            return ToolResult.error("MCP server '" + config.name() + "' is not connected ("
                    + status.describe() + "). It is reconnected in the background; try again later or do without it.");
        }
        String token = "picrust-" + UUID.randomUUID();
        @SuppressWarnings("unchecked")
        Map<String, Object> arguments = input == null || input.isNull()
                ? Map.of() : Json.mapper().convertValue(input, Map.class);
        McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder().name(toolName).arguments(arguments)
                .progressToken(token).build();
        CompletableFuture<McpSchema.CallToolResult> answer = new CompletableFuture<>();
        progressTokens.put(token, context);
        calls.addFirst(context);
        pending.put(answer, connected.get().generation());
        Thread caller = Thread.ofVirtual().name("mcp-" + config.name() + "-call").start(() -> {
            try {
                answer.complete(connected.get().client().callTool(request));
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        try (Cancellation.Registration r = cancellation.onCancel(() -> answer.cancel(false))) {
            long millis = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
            return McpContent.toToolResult(answer.get(millis, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            caller.interrupt();
            return ToolResult.error("MCP server '" + config.name() + "' did not answer " + toolName + " within "
                    + options.callTimeout().toSeconds() + " s; the call was abandoned (it may still complete on the "
                    + "server).");
        } catch (CancellationException e) {
            caller.interrupt();
            throw e;
        } catch (ExecutionException e) {
            return failed(toolName, e.getCause(), connected.get().generation());
        } finally {
            pending.remove(answer);
            calls.remove(context);
            progressTokens.remove(token);
        }
    }

    private record Connected(McpSyncClient client, int generation) {}

    private Optional<Connected> awaitConnected(Instant deadline, Cancellation cancellation) throws InterruptedException {
        try (Cancellation.Registration r = cancellation.onCancel(this::wakeWaiters)) {
            lock.lock();
            try {
                while (client == null && !closed && !cancellation.isCancelled()) {
                    long nanos = Duration.between(Instant.now(), deadline).toNanos();
                    if (nanos <= 0) {
                        return Optional.empty();
                    }
                    changed.awaitNanos(nanos);
                }
                return client == null ? Optional.empty() : Optional.of(new Connected(client, generation));
            } finally {
                lock.unlock();
            }
        }
    }

    private void wakeWaiters() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private ToolResult failed(String toolName, Throwable cause, int gen) {
        if (cause instanceof McpError error && error.getJsonRpcError() != null
                && !StreamableHttpTransport.TRANSPORT_FAILURE.equals(error.getJsonRpcError().data())) {
            // The server answered with a JSON-RPC error: the connection is fine.
            return ToolResult.error("MCP server '" + config.name() + "' refused " + toolName + ": "
                    + error.getJsonRpcError().message() + " (code " + error.getJsonRpcError().code() + ")");
        }
        String reason = describe(cause);
        if (isTimeout(cause)) {
            return ToolResult.error("MCP server '" + config.name() + "' did not answer " + toolName + " within "
                    + options.callTimeout().toSeconds() + " s; the call was abandoned.");
        }
        lost(gen, reason);
        return ToolResult.error("MCP server '" + config.name() + "' failed while running " + toolName + ": " + reason
                + ". It is being reconnected; the call may be retried.");
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void progress(McpSchema.ProgressNotification notification) {
        ToolContext context = progressTokens.get(String.valueOf(notification.progressToken()));
        if (context == null) {
            return;
        }
        StringBuilder text = new StringBuilder();
        if (notification.message() != null && !notification.message().isBlank()) {
            text.append(notification.message()).append(' ');
        }
        text.append('(').append(number(notification.progress()));
        if (notification.total() != null) {
            text.append('/').append(number(notification.total()));
        }
        text.append(")\n");
        context.progress(text.toString());
    }

    private static String number(Double value) {
        if (value == null) {
            return "?";
        }
        return value == Math.rint(value) ? String.valueOf(value.longValue()) : String.valueOf(value);
    }

    /** Closes the connection and stops the server; its tools are withdrawn for good. */
    @Override
    public void close() {
        McpSyncClient old;
        ProcessTransport oldProcess;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            old = client;
            oldProcess = process;
            client = null;
            process = null;
            tools = List.of();
            status = new McpServerStatus.Closed();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        closeQuietly(old, oldProcess);
    }

    private void closeQuietly(McpSyncClient old, ProcessTransport oldProcess) {
        if (old != null) {
            try {
                old.closeGracefully();
            } catch (RuntimeException e) {
                LOG.debug("MCP server '{}': close failed: {}", config.name(), e.toString());
            }
        }
        if (oldProcess != null) {
            oldProcess.stop();
        }
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String top = e.getMessage();
        return top != null && !top.equals(message) && !top.contains(message) ? top + ": " + message
                : top != null && top.contains(message) ? top : message;
    }
}
