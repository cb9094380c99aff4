package dev.picrust.mcp;

import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * MCP servers as tools. Each configured server is connected (in parallel) when the provider is
 * built; its tools are offered as ordinary {@link Tool}s named {@code mcp__<server>__<tool>} (see
 * {@link McpToolNames}) and follow the server's list as it changes. Register it with a
 * {@link dev.picrust.tool.ToolRegistry}; closing the registry (or this provider) stops every server
 * process and connection.
 *
 * <pre>{@code
 * McpToolProvider mcp = McpToolProvider.builder()
 *         .servers(McpConfigFile.discover(projectDir, SessionStore.home(), McpConfigFile.systemEnvironment()))
 *         .server(McpServerConfig.Http.of("docs", "http://127.0.0.1:3001/mcp"))
 *         .callTimeout(Duration.ofMinutes(2))
 *         .build();
 * ToolRegistry tools = new ToolRegistry().registerAll(BuiltinTools.all()).register(mcp);
 * }</pre>
 */
public final class McpToolProvider implements ToolProvider {
    private final List<McpServerConnection> connections;
    private volatile List<List<Tool>> sources = List.of();
    private volatile List<Tool> combined = List.of();

    private McpToolProvider(List<McpServerConfig> servers, McpClientOptions options) {
        List<McpServerConnection> list = new ArrayList<>();
        for (McpServerConfig server : servers) {
            list.add(new McpServerConnection(server, options, () -> { }));
        }
        this.connections = List.copyOf(list);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "mcp";
    }

    /** The connected servers' tools, in configuration order; the same instance while nothing changed. */
    @Override
    public List<Tool> tools() {
        List<List<Tool>> seen = sources;
        boolean same = seen.size() == connections.size();
        for (int i = 0; same && i < seen.size(); i++) {
            same = seen.get(i) == connections.get(i).tools();
        }
        if (same) {
            return combined;
        }
        List<List<Tool>> now = connections.stream().map(McpServerConnection::tools).toList();
        List<Tool> all = new ArrayList<>();
        now.forEach(all::addAll);
        combined = List.copyOf(all);
        sources = now;
        return combined;
    }

    /** Each server's state, by configured name. */
    public Map<String, McpServerStatus> status() {
        Map<String, McpServerStatus> status = new LinkedHashMap<>();
        connections.forEach(c -> status.put(c.name(), c.status()));
        return status;
    }

    /** The model-facing names of each server's current tools, by configured server name. */
    public Map<String, List<String>> toolNames() {
        Map<String, List<String>> names = new LinkedHashMap<>();
        connections.forEach(c -> names.put(c.name(), c.tools().stream().map(Tool::name).toList()));
        return names;
    }

    /** The process id of a running stdio server (for operators and tests). */
    public Optional<Long> serverPid(String server) {
        return connections.stream().filter(c -> c.name().equals(server)).findFirst().flatMap(McpServerConnection::pid);
    }

    /** Stops every server; their tools disappear. */
    @Override
    public void close() {
        // Each close may wait up to seconds for a process to exit: stop them all at once.
        try (var stopping = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            connections.forEach(c -> stopping.submit(c::close));
        }
    }

    /** Settings for {@link McpToolProvider}; every one has a working default. */
    public static final class Builder {
        private final Map<String, McpServerConfig> servers = new LinkedHashMap<>();
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ofSeconds(120);
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private boolean elicitation = true;
        private Optional<McpSampler> sampling = Optional.empty();

        private Builder() {
        }

        /** Adds a server; a later server of the same name replaces an earlier one. */
        public Builder server(McpServerConfig server) {
            servers.remove(server.name());
            servers.put(server.name(), server);
            return this;
        }

        public Builder servers(List<? extends McpServerConfig> more) {
            more.forEach(this::server);
            return this;
        }

        /** Time allowed to start and initialize a server (default 30 s). */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        /** Time allowed for one tool call, including waiting for a reconnect (default 120 s). */
        public Builder callTimeout(Duration value) {
            this.callTimeout = value;
            return this;
        }

        /** Reconnect delays: the first, doubled after each failure up to the maximum (default 0.5 s to 30 s). */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** Whether servers may ask the agent's human for input (default true; declined when headless). */
        public Builder elicitation(boolean enabled) {
            this.elicitation = enabled;
            return this;
        }

        /** Lets servers sample from a model; off unless set (a server would spend the operator's tokens). */
        public Builder sampling(McpSampler sampler) {
            this.sampling = Optional.of(sampler);
            return this;
        }

        /**
         * Connects every server (in parallel) and returns once each has connected or failed its first
         * attempt; failed servers are retried in the background. Two servers whose names clean up to
         * the same tool prefix are refused, since their tools could not be told apart.
         */
        public McpToolProvider build() {
            Map<String, String> prefixes = new HashMap<>();
            for (McpServerConfig s : servers.values()) {
                String prefix = McpToolNames.server(s.name());
                String other = prefixes.putIfAbsent(prefix, s.name());
                if (other != null) {
                    throw new IllegalArgumentException("MCP servers '" + other + "' and '" + s.name()
                            + "' would both name their tools mcp__" + prefix + "__*; rename one");
                }
            }
            McpClientOptions options = new McpClientOptions(connectTimeout, callTimeout, initialBackoff, maxBackoff,
                    elicitation, sampling);
            McpToolProvider provider = new McpToolProvider(List.copyOf(servers.values()), options);
            CountDownLatch started = new CountDownLatch(provider.connections.size());
            for (McpServerConnection c : provider.connections) {
                Thread.ofVirtual().name("mcp-" + c.name() + "-start").start(() -> {
                    try {
                        c.start();
                    } finally {
                        started.countDown();
                    }
                });
            }
            try {
                started.await(connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                provider.close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while connecting MCP servers", e);
            }
            return provider;
        }
    }
}
