package dev.picrust.mcp;

import java.time.Instant;

/** Where a configured MCP server's connection stands. */
public sealed interface McpServerStatus {

    /** The first connection attempt is under way. */
    record Connecting() implements McpServerStatus {}

    /** Initialized; {@code tools} is the number of tools it offers now. */
    record Connected(String serverName, String serverVersion, String protocolVersion, int tools)
            implements McpServerStatus {}

    /** Lost or never reached; attempt {@code attempt} of reconnecting is due at {@code nextAttempt}. */
    record Disconnected(String reason, int attempt, Instant nextAttempt) implements McpServerStatus {}

    /** Closed by its owner; it offers no tools and is not reconnected. */
    record Closed() implements McpServerStatus {}

    /** One line for listings: {@code connected (everything 2.0.0, 2025-11-25, 12 tools)}. */
    default String describe() {
        return switch (this) {
            case Connecting c -> "connecting";
            case Connected c -> "connected (" + c.serverName() + " " + c.serverVersion() + ", protocol "
                    + c.protocolVersion() + ", " + c.tools() + " tool" + (c.tools() == 1 ? "" : "s") + ")";
            case Disconnected d -> "disconnected: " + d.reason().lines().findFirst().orElse("") + " (reconnect attempt "
                    + d.attempt() + " at " + d.nextAttempt() + ")";
            case Closed c -> "closed";
        };
    }
}
