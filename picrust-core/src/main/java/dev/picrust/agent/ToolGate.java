package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.tool.Tool;

/** Decides whether one tool call may run. Consulted for every call, before input validation. */
@FunctionalInterface
public interface ToolGate {

    /** The outcome and what decided it (shown to subscribers and recorded in the session). */
    sealed interface Decision {
        String source();

        record Allow(String source) implements Decision {}

        /** {@code reason} becomes the tool's error result, so the model can adapt. */
        record Deny(String reason, String source) implements Decision {}
    }

    Decision check(Tool tool, String toolUseId, JsonNode input);
}
