package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.http.HttpCall;
import dev.picrust.http.HttpExchange;
import dev.picrust.http.HttpTransport;
import dev.picrust.http.ResponseHeaders;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmException.Kind;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.sse.SseEvent;
import dev.picrust.llm.sse.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Anthropic Messages API ({@code POST /v1/messages}) over an {@link HttpTransport}, streaming and not.
 *
 * <p>Every call is retried by {@link AnthropicConfig#retryPolicy()} (by default up to 4 retries,
 * 0.5 s doubling to 8 s with jitter, server-named delays honoured up to 60 s; see
 * {@link RetryPolicy}). Besides retryable HTTP answers, a stream is retried from scratch when it
 * sends an {@code error} event with a transient type ({@code overloaded_error}, {@code api_error},
 * {@code rate_limit_error}, {@code timeout_error}), stalls for longer than
 * {@link AnthropicConfig#streamIdleTimeout()}, breaks off, or ends before its message does. The
 * listener hears {@link StreamEvent.Retrying} before each wait and must discard what that attempt
 * streamed; the returned response holds only the last attempt's content.
 *
 * <p>Cancelling the call's {@link Cancellation} aborts the HTTP exchange in flight (or the wait
 * between attempts) and the call throws {@link CancellationException}; so does interrupting the
 * calling thread. The API key is sent only as {@code x-api-key} and is removed from any error text.
 */
public final class AnthropicProvider implements LlmProvider, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnthropicProvider.class);
    private static final int MAX_ERROR_BODY_BYTES = 1 << 20;
    private static final int MAX_ERROR_TEXT_CHARS = 2000;

    private final AnthropicConfig config;
    private final HttpTransport transport;
    private final URI messagesUri;
    private final List<HttpCall.Header> streamingHeaders;
    private final List<HttpCall.Header> plainHeaders;

    /**
     * A provider sending through {@link AnthropicConfig#httpClient()} when set, else through its own
     * transport (see {@link #close()}).
     */
    public AnthropicProvider(AnthropicConfig config) {
        this(config, config.httpClient().map(HttpTransport::jdk).orElseGet(() -> HttpTransport.standard(
                messagesUri(config), config.connectTimeout(), ProxySelector.getDefault())));
    }

    /** The seam for this package's tests: any transport, which stays internal to the module. */
    AnthropicProvider(AnthropicConfig config, HttpTransport transport) {
        this.config = config;
        this.messagesUri = messagesUri(config);
        this.transport = transport;
        this.streamingHeaders = headers(true);
        this.plainHeaders = headers(false);
    }

    private static URI messagesUri(AnthropicConfig config) {
        String base = config.baseUrl().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/v1/messages");
    }

    /**
     * Closes the provider's own pooled connections; a JDK client given in the config is the caller's
     * to close. Calls after this fail.
     */
    @Override
    public void close() {
        if (transport instanceof AutoCloseable own) {
            try {
                own.close();
            } catch (Exception e) {
                LOG.debug("closing the transport failed", e);
            }
        }
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
    public String defaultModel() {
        return config.defaultModel();
    }

    @Override
    public LlmResponse send(LlmRequest request, Cancellation cancellation) {
        return call(request, false, StreamListener.NONE, cancellation);
    }

    @Override
    public LlmResponse stream(LlmRequest request, StreamListener listener, Cancellation cancellation) {
        return call(request, true, listener, cancellation);
    }

    @Override
    public String toString() {
        return "AnthropicProvider[" + messagesUri + "]";
    }

    private LlmResponse call(LlmRequest request, boolean streaming, StreamListener listener, Cancellation cancellation) {
        String model = request.model().isBlank() ? config.defaultModel() : request.model();
        RetryPolicy policy = config.retryPolicy();
        for (int retry = 0; ; retry++) {
            cancellation.throwIfCancelled();
            try {
                // The body is encoded per attempt and not kept between attempts: thousands of calls
                // wait on the model at once, and a retry is rare.
                return attempt(request, model, streaming, listener, cancellation);
            } catch (AttemptFailure failure) {
                cancellation.throwIfCancelled();
                LlmException error = failure.error;
                if (!error.retryable()) {
                    throw error;
                }
                if (retry >= policy.maxRetries()) {
                    throw gaveUp(error, retry);
                }
                Duration delay = policy.delay(retry + 1, failure.serverDelay, ThreadLocalRandom.current().nextDouble());
                LOG.debug("Anthropic call failed ({}); retry {} of {} in {} ms", error.getMessage(), retry + 1,
                        policy.maxRetries(), delay.toMillis());
                listener.onEvent(new StreamEvent.Retrying(retry + 1, delay, error.getMessage()));
                config.sleeper().sleep(delay, cancellation);
            }
        }
    }

    private static byte[] encode(LlmRequest request, String model, boolean streaming) {
        return MessagesRequest.toBytes(request, model, streaming);
    }

    private HttpCall httpCall(byte[] body, boolean streaming) {
        return new HttpCall("POST", messagesUri, streaming ? streamingHeaders : plainHeaders, body,
                config.requestTimeout(), config.streamIdleTimeout());
    }

    /** The request headers, the same for every call of this provider but for what it accepts. */
    private List<HttpCall.Header> headers(boolean streaming) {
        List<HttpCall.Header> headers = new ArrayList<>(6);
        headers.add(new HttpCall.Header("x-api-key", config.apiKey()));
        headers.add(new HttpCall.Header("anthropic-version", config.version()));
        headers.add(new HttpCall.Header("content-type", "application/json"));
        headers.add(new HttpCall.Header("accept", streaming ? "text/event-stream" : "application/json"));
        if (!config.betas().isEmpty()) {
            headers.add(new HttpCall.Header("anthropic-beta", String.join(",", config.betas())));
        }
        return List.copyOf(headers);
    }

    private LlmResponse attempt(LlmRequest request, String model, boolean streaming, StreamListener listener,
                                Cancellation cancellation) throws AttemptFailure {
        HttpExchange exchange;
        try {
            exchange = transport.send(httpCall(encode(request, model, streaming), streaming), cancellation);
        } catch (IOException e) {
            if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
                throw new CancellationException("cancelled");
            }
            throw sendFailure(e);
        }
        try (exchange) {
            int statusCode = exchange.statusCode();
            Optional<String> requestId = exchange.headers().firstValue("request-id");
            // A failure while reading a 2xx body is not an HTTP error answer, so it carries no status.
            int status = statusCode / 100 == 2 ? 0 : statusCode;
            InputStream body = exchange.body();
            try {
                if (statusCode / 100 != 2) {
                    throw httpError(statusCode, exchange.headers(), body.readNBytes(MAX_ERROR_BODY_BYTES), requestId);
                }
                return streaming ? readStream(body, listener) : readMessage(body);
            } catch (IOException e) {
                if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("cancelled");
                }
                if (e instanceof SocketTimeoutException) {
                    throw new AttemptFailure(new LlmException(Kind.TIMEOUT, "Anthropic stream stalled: no data for "
                            + config.streamIdleTimeout().toMillis() + " ms", status,
                            requestId.orElse(null), true, e));
                }
                throw new AttemptFailure(new LlmException(Kind.CONNECTION, "Anthropic connection broke while reading: "
                        + describe(e), status, requestId.orElse(null), true, e));
            } catch (LlmException e) {
                if (cancellation.isCancelled()) {
                    throw new CancellationException("cancelled");
                }
                throw new AttemptFailure(withRequestId(e, requestId));
            }
        }
    }

    private LlmResponse readStream(InputStream body, StreamListener listener) throws IOException {
        SseReader reader = new SseReader(body);
        MessageStreamAccumulator accumulator = new MessageStreamAccumulator(listener);
        while (!accumulator.isComplete()) {
            Optional<SseEvent> event = reader.next();
            if (event.isEmpty()) {
                break;
            }
            accumulator.accept(event.get());
        }
        return accumulator.finish();
    }

    private LlmResponse readMessage(InputStream body) throws IOException {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        try {
            return MessagesResponse.fromJson(Json.parse(text));
        } catch (JsonProcessingException e) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "Anthropic answer is not JSON: " + e.getOriginalMessage(),
                    0, null, false, e);
        }
    }

    private AttemptFailure httpError(int status, ResponseHeaders headers, byte[] bytes,
                                     Optional<String> headerRequestId) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Optional<ApiError> error;
        try {
            JsonNode node = Json.parse(text);
            error = node == null ? Optional.empty() : ApiError.fromJson(node);
        } catch (JsonProcessingException notJson) {
            error = Optional.empty();
        }
        String type = error.map(ApiError::type).orElse("");
        String detail = error.map(ApiError::message).orElse(text.strip());
        if (detail.length() > MAX_ERROR_TEXT_CHARS) {
            detail = detail.substring(0, MAX_ERROR_TEXT_CHARS) + "...";
        }
        String message = "Anthropic API error: HTTP " + status + (type.isEmpty() ? "" : " " + type)
                + (detail.isEmpty() ? "" : ": " + detail);
        String requestId = error.flatMap(ApiError::requestId).or(() -> headerRequestId).orElse(null);
        LlmException exception = new LlmException(ApiError.kind(type, status), redact(message), status, requestId,
                RetryPolicy.shouldRetry(status, headers::firstValue), null);
        return new AttemptFailure(exception, RetryPolicy.serverDelay(headers::firstValue, Instant.now()));
    }

    private AttemptFailure sendFailure(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new AttemptFailure(new LlmException(Kind.CONNECTION, "Anthropic connect to " + messagesUri
                    + " timed out after " + config.connectTimeout().toMillis() + " ms", 0, null, true, cause));
        }
        if (cause instanceof HttpTimeoutException) {
            return new AttemptFailure(new LlmException(Kind.TIMEOUT, "Anthropic answer from " + messagesUri
                    + " did not start within " + config.requestTimeout().toMillis() + " ms", 0, null, true, cause));
        }
        if (cause instanceof IOException) {
            return new AttemptFailure(new LlmException(Kind.CONNECTION, "Anthropic connection to " + messagesUri
                    + " failed: " + describe(cause), 0, null, true, cause));
        }
        return new AttemptFailure(new LlmException(Kind.CONNECTION, "Anthropic request to " + messagesUri + " failed: "
                + describe(cause),
                0, null, false, cause));
    }

    private LlmException gaveUp(LlmException last, int retries) {
        return new LlmException(last.kind(), last.getMessage() + " (gave up after " + retries + " retries)",
                last.status(), last.requestId().orElse(null), last.retryable(), last);
    }

    private LlmException withRequestId(LlmException e, Optional<String> requestId) {
        if (e.requestId().isPresent() || requestId.isEmpty()) {
            return e;
        }
        return new LlmException(e.kind(), e.getMessage(), e.status(), requestId.get(), e.retryable(), e.getCause());
    }

    private String redact(String text) {
        // Real keys are long; replacing a toy key of a few characters would only garble the message.
        return config.apiKey().length() < 8 ? text : text.replace(config.apiKey(), "[redacted]");
    }

    private String describe(Throwable t) {
        String message = t.getMessage();
        return redact(t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message));
    }

    /** One attempt failed; {@code serverDelay} is the wait the server asked for, if any. */
    private static final class AttemptFailure extends Exception {
        final LlmException error;
        final Optional<Duration> serverDelay;

        AttemptFailure(LlmException error, Optional<Duration> serverDelay) {
            super(error.getMessage(), error, false, false);
            this.error = error;
            this.serverDelay = serverDelay;
        }

        AttemptFailure(LlmException error) {
            this(error, Optional.empty());
        }
    }
}
