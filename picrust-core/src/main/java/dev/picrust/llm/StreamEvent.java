package dev.picrust.llm;

import java.time.Duration;

/** What a provider reports while a call is in flight. The final result is the returned {@link LlmResponse}. */
public sealed interface StreamEvent {

    /** Text arrived for content block {@code index}. */
    record TextDelta(int index, String text) implements StreamEvent {}

    /** Thinking text arrived for content block {@code index}. */
    record ThinkingDelta(int index, String text) implements StreamEvent {}

    /** A tool call started streaming (its input follows as JSON fragments, not reported). */
    record ToolUseStarted(int index, String id, String name) implements StreamEvent {}

    /**
     * The call failed and will be tried again after {@code delay}; everything streamed so far for
     * this call is void and must be discarded by listeners.
     */
    record Retrying(int attempt, Duration delay, String reason) implements StreamEvent {}
}
