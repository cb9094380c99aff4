package dev.picrust.mcp;

import dev.picrust.testkit.NpmMcpServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Configs for the npm MCP servers of {@link NpmMcpServers}. */
final class McpTestServers {

    private McpTestServers() {
    }

    static McpServerConfig.Stdio everything(String name) {
        return stdio(name, NpmMcpServers.everythingStdio());
    }

    static McpServerConfig.Stdio filesystem(String name, Path root) {
        return stdio(name, NpmMcpServers.filesystemStdio(root));
    }

    private static McpServerConfig.Stdio stdio(String name, List<String> command) {
        return new McpServerConfig.Stdio(name, command.getFirst(), command.subList(1, command.size()), Map.of(),
                Optional.empty());
    }

    /** Waits, polling, until {@code condition} holds; fails the test at the deadline. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
