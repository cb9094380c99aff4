package dev.picrust.llm;

/** Token counts of one call, or a sum of calls. */
public record Usage(long inputTokens, long outputTokens, long cacheReadInputTokens,
                    long cacheCreationInputTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheReadInputTokens + other.cacheReadInputTokens,
                cacheCreationInputTokens + other.cacheCreationInputTokens);
    }
}
