package dev.picrust.llm.anthropic;

import dev.picrust.Cancellation;
import dev.picrust.http.HttpTransport;
import dev.picrust.llm.ApiKind;
import dev.picrust.llm.wire.HttpRetryLoop;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import java.util.Optional;
import java.util.OptionalLong;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.llm.LlmException;
import java.util.concurrent.CancellationException;

/**
 * The Anthropic Messages API ({@code POST /v1/messages}) over an {@link HttpTransport}, streaming and not.
 *
 * <p>Every call is retried by {@code config.http().retryPolicy()} (by default up to 4 retries,
 * 0.5 s doubling to 8 s with jitter, server-named delays honoured up to 60 s; see
 * {@link RetryPolicy}). Besides retryable HTTP answers, a stream is retried from scratch when it
 * sends an {@code error} event with a transient type ({@code overloaded_error}, {@code api_error},
 * {@code rate_limit_error}, {@code timeout_error}), stalls for longer than
 * the idle timeout of {@link dev.picrust.llm.HttpSettings} (keep-alive pings do not count), breaks off, or ends before its message does. The
 * listener hears {@link StreamEvent.Retrying} before each wait and must discard what that attempt
 * streamed; the returned response holds only the last attempt's content.
 *
 * <p>Cancelling the call's {@link Cancellation} aborts the HTTP exchange in flight (or the wait
 * between attempts) and the call throws {@link CancellationException}; so does interrupting the
 * calling thread. The API key is sent only as {@code x-api-key} and is removed from any error text.
 */
public final class AnthropicProvider implements LlmProvider, AutoCloseable {
    private final AnthropicConfig config;
    private final MessagesWire wire;
    private final HttpRetryLoop loop;

    /**
     * A provider sending through the config's JDK client when set, else through its own pooled
     * transport (see {@link #close()}).
     */
    public AnthropicProvider(AnthropicConfig config) {
        this.config = config;
        this.wire = new MessagesWire(config);
        this.loop = HttpRetryLoop.standard("Anthropic", config.apiKey(), wire, config.defaultModel(), config.http(),
                wire.messagesUri());
    }

    /** The seam for this package's tests: any transport, which stays internal to the module. */
    AnthropicProvider(AnthropicConfig config, HttpTransport transport) {
        this.config = config;
        this.wire = new MessagesWire(config);
        this.loop = new HttpRetryLoop("Anthropic", config.apiKey(), wire, config.defaultModel(), config.http(),
                transport, true);
    }

    /**
     * Closes the provider's own pooled connections; a JDK client given in the config is the caller's to
     * close. Calls after this fail.
     */
    @Override
    public void close() {
        loop.close();
    }

    /** A provider configured from {@code ANTHROPIC_API_KEY} and {@code ANTHROPIC_BASE_URL}. */
    public static AnthropicProvider fromEnvironment() {
        return new AnthropicProvider(AnthropicConfig.fromEnvironment());
    }

    public AnthropicConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public Optional<ApiKind> api() {
        return Optional.of(ApiKind.ANTHROPIC_MESSAGES);
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

    /** {@code POST /v1/messages/count_tokens}: the request without {@code max_tokens} and {@code stream}. */
    @Override
    public OptionalLong countTokens(LlmRequest request, Cancellation cancellation) {
        JsonNode answer = loop.postJson(wire.countTokensUri(), wire.countBody(request, loop.model(request)), cancellation);
        JsonNode tokens = answer.path("input_tokens");
        if (!tokens.canConvertToLong()) {
            throw new LlmException(LlmException.Kind.MALFORMED_RESPONSE, "Anthropic count_tokens answer has no input_tokens");
        }
        return OptionalLong.of(tokens.asLong());
    }

    @Override
    public String toString() {
        return "AnthropicProvider[" + wire.messagesUri() + "]";
    }
}
