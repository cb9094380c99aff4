package dev.picrust.llm.gemini;

import dev.picrust.Cancellation;
import dev.picrust.llm.ApiKind;
import dev.picrust.llm.wire.HttpRetryLoop;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * Google's Gemini API ({@code generateContent} / {@code streamGenerateContent}), streaming and not.
 *
 * <p>Function calls get unique ids and their results go back under the right function name;
 * thought signatures are kept with the parts they came on and sent back; a thinking budget becomes
 * Gemini's {@code thinkingConfig}; tool schemas are cleaned of what Gemini rejects. Retries work as
 * for every provider ({@link HttpRetryLoop}): retryable HTTP answers, broken or stalled streams,
 * streams that end before a finish reason, and mid-stream errors of a transient status
 * ({@code UNAVAILABLE}, {@code INTERNAL}, ...) are tried again from scratch, the listener hearing
 * {@link StreamEvent.Retrying} first. Cancelling the call aborts it with
 * {@link CancellationException}. The key is sent only as {@code x-goog-api-key}.
 */
public final class GeminiProvider implements LlmProvider, AutoCloseable {
    private final GeminiConfig config;
    private final GeminiWire wire;
    private final HttpRetryLoop loop;

    /**
     * A provider sending through the config's JDK client when set, else through its own pooled
     * transport (see {@link #close()}).
     */
    public GeminiProvider(GeminiConfig config) {
        this.config = config;
        this.wire = new GeminiWire(config);
        this.loop = HttpRetryLoop.standard("Gemini", config.apiKey(), wire, config.defaultModel(), config.http(),
                wire.uri(config.defaultModel(), true));
    }

    /**
     * Closes the provider's own pooled connections; a JDK client given in the config is the caller's to
     * close. Calls after this fail.
     */
    @Override
    public void close() {
        loop.close();
    }

    /** A provider configured from {@code GEMINI_API_KEY} and {@code GEMINI_BASE_URL}. */
    public static GeminiProvider fromEnvironment() {
        return new GeminiProvider(GeminiConfig.fromEnvironment());
    }

    public GeminiConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public Optional<ApiKind> api() {
        return Optional.of(ApiKind.GOOGLE_GENERATIVE_AI);
    }

    @Override
    public String defaultModel() {
        return config.defaultModel();
    }

    @Override
    public LlmResponse send(LlmRequest request, Cancellation cancellation) {
        return loop.send(request, cancellation);
    }

    @Override
    public LlmResponse stream(LlmRequest request, StreamListener listener, Cancellation cancellation) {
        return loop.stream(request, listener, cancellation);
    }

    /** {@code POST <base>/models/M:countTokens} with the generate request inside. */
    @Override
    public java.util.OptionalLong countTokens(LlmRequest request, Cancellation cancellation) {
        String model = loop.model(request);
        com.fasterxml.jackson.databind.JsonNode answer = loop.postJson(wire.countTokensUri(model),
                wire.countBody(request, model), cancellation);
        com.fasterxml.jackson.databind.JsonNode tokens = answer.path("totalTokens");
        if (!tokens.canConvertToLong()) {
            throw new dev.picrust.llm.LlmException(dev.picrust.llm.LlmException.Kind.MALFORMED_RESPONSE,
                    "Gemini countTokens answer has no totalTokens");
        }
        return java.util.OptionalLong.of(tokens.asLong());
    }

    @Override
    public String toString() {
        return "GeminiProvider[" + wire.base() + "]";
    }
}
