package dev.picrust.llm.catalog;

import dev.picrust.llm.Usage;

/** Prices in dollars per million tokens, as providers publish them. */
public record ModelCost(double input, double output, double cacheRead, double cacheWrite) {
    public ModelCost {
        if (input < 0 || output < 0 || cacheRead < 0 || cacheWrite < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /** What {@code usage} cost, in dollars. */
    public double dollars(Usage usage) {
        return (usage.inputTokens() * input + usage.outputTokens() * output
                + usage.cacheReadInputTokens() * cacheRead + usage.cacheCreationInputTokens() * cacheWrite) / 1e6;
    }
}
