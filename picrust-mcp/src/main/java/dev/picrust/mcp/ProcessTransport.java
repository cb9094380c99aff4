package dev.picrust.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The stdio transport: starts the server process (in its configured folder, with a minimal
 * environment), writes one JSON-RPC message per line to its stdin and reads one per line from its
 * stdout, on virtual threads. Its stderr goes to the log (and the last lines are kept for error
 * messages). When stdout ends the server is gone and {@code onExit} is told.
 *
 * <p>The SDK's own stdio transport offers no working folder and no handle on the process (so no way
 * to kill an {@code npx}-started server's real child); this one does both.
 */
final class ProcessTransport implements McpClientTransport {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTransport.class);
    /** Variables a server gets from our environment; everything else only when configured. */
    private static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM",
            "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT", "NODE_EXTRA_CA_CERTS");
    private static final int STDERR_LINES_KEPT = 20;
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private final McpServerConfig.Stdio config;
    private final McpJsonMapper json;
    private final Consumer<String> onExit;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile Process process;
    private volatile Writer stdin;
    private volatile boolean closing;

    ProcessTransport(McpServerConfig.Stdio config, McpJsonMapper json, Consumer<String> onExit) {
        this.config = config;
        this.json = json;
        this.onExit = onExit;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> start(handler));
    }

    private void start(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        List<String> command = new ArrayList<>();
        command.add(config.command());
        command.addAll(config.args());
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().retainAll(INHERITED);
        env.putAll(config.env());
        config.cwd().ifPresent(dir -> pb.directory(dir.toFile()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start MCP server '" + config.name() + "' (" + String.join(" ", command)
                    + "): " + e.getMessage(), e);
        }
        ServerProcesses.started(p);
        process = p;
        stdin = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofVirtual().name("mcp-" + config.name() + "-stderr").start(() -> readStderr(p));
        Thread.ofVirtual().name("mcp-" + config.name() + "-stdout").start(() -> readStdout(p, handler));
    }

    private void readStdout(Process p, Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                McpSchema.JSONRPCMessage message;
                try {
                    message = McpSchema.deserializeJsonRpcMessage(json, line);
                } catch (IOException | RuntimeException e) {
                    // Servers that print banners on stdout break the protocol; say so and go on.
                    LOG.warn("MCP server '{}' wrote a line that is not JSON-RPC: {}", config.name(), abbreviate(line));
                    continue;
                }
                handler.apply(Mono.just(message)).subscribe(r -> { },
                        e -> LOG.warn("MCP server '{}': handling a message failed: {}", config.name(), e.toString()));
            }
        } catch (IOException e) {
            if (!closing) {
                LOG.debug("MCP server '{}': stdout closed: {}", config.name(), e.toString());
            }
        }
        if (!closing) {
            onExit.accept(exitDescription(p));
        }
    }

    private void readStderr(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                LOG.info("[mcp:{}] {}", config.name(), line);
                synchronized (stderrTail) {  // never held while waiting
                    stderrTail.addLast(abbreviate(line));
                    if (stderrTail.size() > STDERR_LINES_KEPT) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; stdout's reader reports it
        }
    }

    private String exitDescription(Process p) {
        String status;
        try {
            status = p.waitFor(KILL_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    ? "exited with code " + p.exitValue() : "closed its output";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = "closed its output";
        }
        String tail;
        synchronized (stderrTail) {
            tail = String.join("\n", stderrTail);
        }
        return "the server process " + status + (tail.isBlank() ? "" : "; its last stderr lines:\n" + tail);
    }

    /** The running server's process id, if it started. */
    Optional<Long> pid() {
        Process p = process;
        return p == null ? Optional.empty() : Optional.of(p.pid());
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            Writer out = stdin;
            if (out == null) {
                throw new IllegalStateException("MCP server '" + config.name() + "' is not running");
            }
            String line;
            try {
                line = json.writeValueAsString(message);
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode an MCP message: " + e.getMessage(), e);
            }
            writeLock.lock();
            try {
                out.write(line);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException("MCP server '" + config.name() + "' is not reading its input: "
                        + e.getMessage(), e);
            } finally {
                writeLock.unlock();
            }
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::stop);
    }

    @Override
    public void close() {
        stop();
    }

    /** Closes stdin (the polite stop), then kills the process tree if it is still there. */
    void stop() {
        closing = true;
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            OutputStream in = p.getOutputStream();
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
        ServerProcesses.kill(p, KILL_GRACE);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }

    private static String abbreviate(String line) {
        return line.length() <= 500 ? line : line.substring(0, 500) + "...";
    }
}
