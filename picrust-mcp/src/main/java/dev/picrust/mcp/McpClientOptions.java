package dev.picrust.mcp;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How MCP connections behave: time limits, reconnect backoff, and which server requests are
 * honoured. Elicitation is on (questions go to the agent's human through the handle); sampling is
 * off unless the operator gives a {@link McpSampler}.
 */
record McpClientOptions(Duration connectTimeout, Duration callTimeout, Duration initialBackoff, Duration maxBackoff,
                        boolean elicitation, Optional<McpSampler> sampling) {
    static final String VERSION = "0.1.0";

    McpClientOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(sampling, "sampling");
        if (callTimeout.isNegative() || callTimeout.isZero() || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("MCP timeouts must be positive");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("MCP backoff must be positive and maxBackoff >= initialBackoff");
        }
    }
}
