package dev.picrust.llm.openai;

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
 * OpenAI Chat Completions ({@code POST <base>/chat/completions}), streaming and not, for OpenAI and
 * every server that speaks it (Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter, ...).
 *
 * <p>Retries work exactly as for Anthropic ({@link HttpRetryLoop}, {@code config.http().retryPolicy()}):
 * retryable HTTP answers, broken or stalled streams, streams that end before {@code [DONE]} or a
 * {@code finish_reason}, and a mid-stream {@code error} chunk of a transient type are tried again
 * from scratch; the listener hears {@link StreamEvent.Retrying} first. Cancelling the call aborts it
 * with {@link CancellationException}. The key is sent only as {@code Authorization: Bearer} and is
 * removed from error texts.
 */
public final class OpenAiProvider implements LlmProvider, AutoCloseable {
    private final OpenAiConfig config;
    private final ChatWire wire;
    private final HttpRetryLoop loop;

    /**
     * A provider sending through the config's JDK client when set, else through its own pooled
     * transport (see {@link #close()}).
     */
    public OpenAiProvider(OpenAiConfig config) {
        this.config = config;
        this.wire = new ChatWire(config);
        this.loop = HttpRetryLoop.standard("OpenAI", config.apiKey(), wire, config.defaultModel(), config.http(),
                wire.completionsUri());
    }

    /**
     * Closes the provider's own pooled connections; a JDK client given in the config is the caller's to
     * close. Calls after this fail.
     */
    @Override
    public void close() {
        loop.close();
    }

    /** A provider configured from {@code OPENAI_API_KEY} and {@code OPENAI_BASE_URL}. */
    public static OpenAiProvider fromEnvironment() {
        return new OpenAiProvider(OpenAiConfig.fromEnvironment());
    }

    public OpenAiConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public Optional<ApiKind> api() {
        return Optional.of(ApiKind.OPENAI_COMPLETIONS);
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

    @Override
    public String toString() {
        return "OpenAiProvider[" + wire.completionsUri() + "]";
    }
}
