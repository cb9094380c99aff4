package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmException.Kind;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.sse.IdleTimeoutInputStream;
import dev.picrust.llm.sse.SseEvent;
import dev.picrust.llm.sse.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Anthropic Messages API ({@code POST /v1/messages}) over {@link HttpClient}, streaming and not.
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
public final class AnthropicProvider implements LlmProvider {
    private static final Logger LOG = LoggerFactory.getLogger(AnthropicProvider.class);
    private static final int MAX_ERROR_BODY_BYTES = 1 << 20;
    private static final int MAX_ERROR_TEXT_CHARS = 2000;

    private final AnthropicConfig config;
    private final HttpClient http;
    private final URI messagesUri;

    public AnthropicProvider(AnthropicConfig config) {
        this.config = config;
        this.http = config.httpClient().orElseGet(() -> HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .build());
        String base = config.baseUrl().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.messagesUri = URI.create(base + "/v1/messages");
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
        byte[] body = MessagesRequest.toBytes(request, model, streaming);
        HttpRequest httpRequest = httpRequest(body, streaming);
        RetryPolicy policy = config.retryPolicy();
        for (int retry = 0; ; retry++) {
            cancellation.throwIfCancelled();
            try {
                return attempt(httpRequest, streaming, listener, cancellation);
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

    private HttpRequest httpRequest(byte[] body, boolean streaming) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(messagesUri)
                .timeout(config.requestTimeout())
                .header("x-api-key", config.apiKey())
                .header("anthropic-version", config.version())
                .header("content-type", "application/json")
                .header("accept", streaming ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!config.betas().isEmpty()) {
            builder.header("anthropic-beta", String.join(",", config.betas()));
        }
        return builder.build();
    }

    private LlmResponse attempt(HttpRequest request, boolean streaming, StreamListener listener,
                                Cancellation cancellation) throws AttemptFailure {
        InFlight inFlight = new InFlight();
        Cancellation.Registration abortOnCancel = cancellation.onCancel(inFlight::abort);
        try {
            HttpResponse<InputStream> response = inFlight.send(http, request);
            Optional<String> requestId = response.headers().firstValue("request-id");
            // A failure while reading a 2xx body is not an HTTP error answer, so it carries no status.
            int status = response.statusCode() / 100 == 2 ? 0 : response.statusCode();
            IdleTimeoutInputStream body = new IdleTimeoutInputStream(response.body(), config.streamIdleTimeout());
            inFlight.attach(body);
            try (body) {
                if (response.statusCode() / 100 != 2) {
                    throw httpError(response, body.readNBytes(MAX_ERROR_BODY_BYTES), requestId);
                }
                return streaming ? readStream(body, listener) : readMessage(body);
            } catch (IOException e) {
                if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("cancelled");
                }
                if (body.timedOut()) {
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
        } finally {
            abortOnCancel.close();
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

    private AttemptFailure httpError(HttpResponse<?> response, byte[] bytes, Optional<String> headerRequestId) {
        int status = response.statusCode();
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
                RetryPolicy.shouldRetry(status, response.headers()), null);
        return new AttemptFailure(exception, RetryPolicy.serverDelay(response.headers(), Instant.now()));
    }

    private AttemptFailure sendFailure(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new AttemptFailure(new LlmException(Kind.CONNECTION, "Anthropic connect timed out after "
                    + config.connectTimeout().toMillis() + " ms", 0, null, true, cause));
        }
        if (cause instanceof HttpTimeoutException) {
            return new AttemptFailure(new LlmException(Kind.TIMEOUT, "Anthropic answer did not start within "
                    + config.requestTimeout().toMillis() + " ms", 0, null, true, cause));
        }
        if (cause instanceof IOException) {
            return new AttemptFailure(new LlmException(Kind.CONNECTION, "Anthropic connection failed: "
                    + describe(cause), 0, null, true, cause));
        }
        return new AttemptFailure(new LlmException(Kind.CONNECTION, "Anthropic request failed: " + describe(cause),
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

    /**
     * The HTTP exchange of one attempt, abortable from the cancelling thread: before the answer
     * starts by cancelling the future, afterwards by closing the body stream (which wakes the
     * blocked reader).
     */
    private final class InFlight {
        private volatile CompletableFuture<HttpResponse<InputStream>> future;
        private volatile InputStream body;
        private volatile boolean aborted;

        HttpResponse<InputStream> send(HttpClient client, HttpRequest request) throws AttemptFailure {
            CompletableFuture<HttpResponse<InputStream>> f =
                    client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            future = f;
            if (aborted) {
                f.cancel(true);
            }
            try {
                return f.get();
            } catch (CancellationException e) {
                throw new CancellationException("cancelled");
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            } catch (ExecutionException e) {
                if (aborted) {
                    throw new CancellationException("cancelled");
                }
                throw sendFailure(e.getCause());
            }
        }

        void attach(InputStream stream) {
            body = stream;
            if (aborted) {
                closeQuietly(stream);
                throw new CancellationException("cancelled");
            }
        }

        void abort() {
            aborted = true;
            CompletableFuture<HttpResponse<InputStream>> f = future;
            if (f != null) {
                f.cancel(true);
            }
            InputStream b = body;
            if (b != null) {
                closeQuietly(b);
            }
        }

        private static void closeQuietly(InputStream stream) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // Closing only serves to wake the reader, which then fails on its own.
            }
        }
    }
}
