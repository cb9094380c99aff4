package dev.picrust.cli;

import dev.picrust.mcp.McpConfigFile;
import dev.picrust.mcp.McpServerConfig;
import dev.picrust.mcp.McpServerStatus;
import dev.picrust.mcp.McpToolProvider;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CLI's use of picrust-mcp; loaded only when an MCP server is configured (see {@link McpCommand}). */
final class McpCli {

    private McpCli() {
    }

    /** Reads the files (later ones win per server name). */
    static List<McpServerConfig> servers(List<Path> files) {
        Map<String, McpServerConfig> byName = new LinkedHashMap<>();
        for (Path file : files) {
            try {
                McpConfigFile.read(file, McpConfigFile.systemEnvironment()).forEach(s -> byName.put(s.name(), s));
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
    static void attach(ToolRegistry tools, List<Path> files, PrintStream err) {
        McpToolProvider mcp;
        try {
            mcp = McpToolProvider.builder().servers(servers(files)).build();
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

    static int list(List<Path> files, int timeoutSeconds, PrintStream out) {
        List<McpServerConfig> servers = servers(files);
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
}
