package dev.picrust.cli;

import dev.picrust.mcp.AgentDelegation;
import dev.picrust.mcp.AgentMcpServer;
import dev.picrust.mcp.McpConfigFile;
import dev.picrust.mcp.McpHttpServer;
import dev.picrust.mcp.McpStdioServer;
import dev.picrust.mcp.McpServerConfig;
import dev.picrust.mcp.McpServerStatus;
import dev.picrust.mcp.McpToolProvider;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The CLI's use of picrust-mcp; loaded only when an MCP server is configured (see {@link McpCommand}). */
final class McpCli {

    private McpCli() {
    }

    /**
     * Reads the files (later ones win per server name). A {@code ${VAR}} in them is looked up in
     * {@code settingsEnv} (the settings files' {@code "env"}) first, then in the process's environment;
     * a server gets only the variables its entry names, as before.
     */
    static List<McpServerConfig> servers(List<Path> files, Map<String, String> settingsEnv) {
        Map<String, McpServerConfig> byName = new LinkedHashMap<>();
        java.util.function.Function<String, java.util.Optional<String>> lookup = name ->
                java.util.Optional.ofNullable(settingsEnv.get(name)).or(() -> McpConfigFile.systemEnvironment().apply(name));
        for (Path file : files) {
            try {
                McpConfigFile.read(file, lookup).forEach(s -> byName.put(s.name(), s));
            } catch (IOException e) {
                throw new CliException(e.getMessage());
            }
        }
        return List.copyOf(byName.values());
    }

    /**
     * Connects the configured servers and offers their tools in {@code tools} (closing the registry
     * stops them). Servers that fail to connect are reported on {@code err} and retried in the
     * background.
     */
    static void attach(ToolRegistry tools, List<Path> files, Map<String, String> settingsEnv, PrintStream err) {
        McpToolProvider mcp;
        try {
            mcp = McpToolProvider.builder().servers(servers(files, settingsEnv)).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        tools.register(mcp);
        mcp.status().forEach((name, status) -> {
            if (!(status instanceof McpServerStatus.Connected)) {
                err.println("picrust: MCP server '" + name + "' " + status.describe());
            }
        });
    }

    static int list(List<Path> files, Map<String, String> settingsEnv, int timeoutSeconds, PrintStream out) {
        List<McpServerConfig> servers = servers(files, settingsEnv);
        try (McpToolProvider mcp = McpToolProvider.builder().servers(servers)
                .connectTimeout(Duration.ofSeconds(Math.max(1, timeoutSeconds))).build()) {
            boolean allConnected = true;
            Map<String, McpServerStatus> status = mcp.status();
            for (McpServerConfig server : servers) {
                McpServerStatus s = status.get(server.name());
                allConnected &= s instanceof McpServerStatus.Connected;
                String kind = switch (server) {
                    case McpServerConfig.Stdio stdio -> "stdio " + stdio.command();
                    case McpServerConfig.Http http -> "http " + http.url();
                };
                out.println(server.name() + "  (" + kind + ")  " + s.describe());
                for (Tool tool : mcp.tools()) {
                    if (mcp.toolNames().get(server.name()).contains(tool.name())) {
                        out.println("  " + tool.name() + "  " + firstLine(tool.description()));
                    }
                }
            }
            return allConnected ? 0 : 1;
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 100 ? line.substring(0, 97) + "..." : line;
    }

    /** What {@code picrust mcp serve} was asked for; {@code httpPort} empty means stdio. */
    record ServeSettings(String agentType, Optional<String> description, dev.picrust.llm.LlmProvider provider,
                         Optional<String> model, Optional<String> system, Path workingDirectory,
                         Optional<Path> sessionsDir, List<String> allow, java.util.OptionalInt httpPort,
                         Optional<String> token) {}

    static int serve(ServeSettings s) throws Exception {
        String toolName = s.agentType().replaceAll("[^A-Za-z0-9_-]", "_");
        dev.picrust.agent.AgentConfig.Builder config = dev.picrust.agent.AgentConfig.builder(s.provider())
                .agentType(s.agentType()).tools(ProviderFactory.defaultTools()).workingDirectory(s.workingDirectory())
                .permissions(dev.picrust.agent.Permissions.defaults().allow(s.allow().toArray(String[]::new)));
        s.model().ifPresent(config::model);
        s.system().ifPresent(config::systemPrompt);
        SessionStore store = s.sessionsDir().map(SessionStore::at).orElseGet(SessionStore::atDefaultLocation);
        try (dev.picrust.runtime.AgentRuntime runtime = new dev.picrust.runtime.AgentRuntime(store)) {
            AgentMcpServer server = new AgentMcpServer("picrust", List.of(new AgentMcpServer.AgentTool(toolName,
                    s.description().orElse("Delegate a task to a PiCrust agent of type '" + s.agentType() + "'. It works "
                            + "on its own with shell and file tools in " + s.workingDirectory() + " and answers with "
                            + "its result; progress is reported while it works."),
                    new AgentDelegation(runtime, config.build()))));
            if (s.httpPort().isEmpty()) {
                new McpStdioServer(server).serve(System.in, System.out);
                return 0;
            }
            try (McpHttpServer http = McpHttpServer.start(server, s.token(), s.httpPort().getAsInt())) {
                System.err.println("picrust: MCP server listening on " + http.url());
                System.err.flush();
                new java.util.concurrent.CountDownLatch(1).await();  // until the process is stopped
                return 0;
            }
        }
    }
}
