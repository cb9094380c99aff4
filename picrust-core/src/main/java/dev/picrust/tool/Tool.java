package dev.picrust.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.llm.ToolDefinition;

/**
 * Something the model can call. Implementations block freely (they run on virtual threads) and
 * report failure as {@link ToolResult#error}; an exception thrown from {@link #execute} is turned
 * into an error result by the executor, so the loop goes on either way.
 */
public interface Tool {

    /** The name the model calls, e.g. {@code Read}. Must match {@code ^[a-zA-Z0-9_-]{1,64}$}. */
    String name();

    String description();

    /** JSON Schema of the input object. */
    JsonNode inputSchema();

    /** True if the tool only observes (no side effects); such tools are allowed by default. */
    default boolean readOnly() {
        return false;
    }

    /** True if several calls may run at the same time; read-only tools are by default. */
    default boolean concurrencySafe() {
        return readOnly();
    }

    ToolResult execute(JsonNode input, ToolContext context) throws Exception;

    /**
     * The input as this tool will read it: what a field left out means, filled in. PreToolUse hooks
     * and permission rules see this, and the tool runs with it, so a rule such as
     * {@code Task(researcher)} cannot be dodged by leaving out a field whose default is
     * {@code researcher}. Must not fail: return the input unchanged if it is not understood.
     */
    default JsonNode effectiveInput(JsonNode input) {
        return input;
    }

    default ToolDefinition definition() {
        return new ToolDefinition(name(), description(), inputSchema());
    }
}
