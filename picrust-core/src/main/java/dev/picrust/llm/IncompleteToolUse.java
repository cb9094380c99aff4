package dev.picrust.llm;

/**
 * A tool call whose input the model did not finish (the response hit max_tokens mid-input). It is
 * reported, never executed, and never written to history as a tool_use.
 */
public record IncompleteToolUse(String id, String name, String partialInputJson) {}
