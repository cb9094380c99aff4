package dev.picrust.llm;

/**
 * Token counts of one call, or a sum of calls, as the providers report them. {@code inputTokens}
 * excludes cache reads and writes (Anthropic's convention; the OpenAI and Gemini readers subtract
 * their cached count so every provider adds up alike). {@code reasoningTokens} are the thinking
 * tokens the provider reports separately (OpenAI's {@code reasoning_tokens}, Gemini's
 * {@code thoughtsTokenCount}); they are already counted in {@code outputTokens} and billed as output,
 * so they are never added again. Anthropic reports thinking only as output, so there it is 0.
 */
public record Usage(long inputTokens, long outputTokens, long cacheReadInputTokens,
                    long cacheCreationInputTokens, long reasoningTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    /** Counts of a provider that reports no reasoning tokens of their own. */
    public Usage(long inputTokens, long outputTokens, long cacheReadInputTokens, long cacheCreationInputTokens) {
        this(inputTokens, outputTokens, cacheReadInputTokens, cacheCreationInputTokens, 0);
    }

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheReadInputTokens + other.cacheReadInputTokens,
                cacheCreationInputTokens + other.cacheCreationInputTokens, reasoningTokens + other.reasoningTokens);
    }

    /** Every token the calls processed: input, cache reads and writes, and output (reasoning included). */
    public long totalTokens() {
        return inputTokens + outputTokens + cacheReadInputTokens + cacheCreationInputTokens;
    }
}
