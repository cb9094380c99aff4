package dev.picrust.llm;

import dev.picrust.Cancellation;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A model behind some wire protocol. Calls block the calling (virtual) thread; retries happen
 * inside, announced through {@link StreamEvent.Retrying}. A cancelled call throws
 * {@link java.util.concurrent.CancellationException}; a failed one {@link LlmException}.
 */
public interface LlmProvider {

    /** Short provider name recorded in session metadata, e.g. {@code anthropic}. */
    String name();

    /**
     * The wire API this provider speaks, which decides how a history written by another model is
     * converted for it ({@link HistoryConversion}); empty for providers that are no wire API (test doubles).
     */
    default Optional<ApiKind> api() {
        return Optional.empty();
    }

    /** The model used when a request does not name one. */
    String defaultModel();

    /** One non-streaming call. */
    LlmResponse send(LlmRequest request, Cancellation cancellation);

    /** One streaming call; deltas go to {@code listener} as they arrive. */
    LlmResponse stream(LlmRequest request, StreamListener listener, Cancellation cancellation);

    /**
     * The input tokens {@code request} holds as the provider counts them, from its count endpoint
     * (Anthropic {@code POST /v1/messages/count_tokens}, Gemini {@code models/M:countTokens}); empty
     * when it has none (OpenAI Chat Completions has none). Costs a round trip but no tokens.
     *
     * @throws LlmException when the endpoint answers with an error
     */
    default OptionalLong countTokens(LlmRequest request, Cancellation cancellation) {
        return OptionalLong.empty();
    }
}
