package dev.picrust.llm;

/** Extended thinking: enabled with a token budget (must be below max_tokens). */
public record ThinkingConfig(int budgetTokens) {
    public ThinkingConfig {
        if (budgetTokens < 1024) {
            throw new IllegalArgumentException("thinking budget must be >= 1024 tokens, got " + budgetTokens);
        }
    }
}
