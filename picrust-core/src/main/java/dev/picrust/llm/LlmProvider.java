package dev.picrust.llm;

import dev.picrust.Cancellation;
import java.util.Optional;

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
}
