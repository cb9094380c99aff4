package dev.picrust.bench.load;

import dev.picrust.llm.LlmProvider;

/** The real HTTP provider, pointed at the mock server. One instance is shared by every agent. */
final class HttpModel {
    private HttpModel() {}

    static LlmProvider provider(String baseUrl) {
        throw new UnsupportedOperationException("the Anthropic HTTP provider has not landed on this branch yet");
    }
}
