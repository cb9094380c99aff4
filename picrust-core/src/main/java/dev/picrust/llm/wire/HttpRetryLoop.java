package dev.picrust.llm.wire;

import dev.picrust.Cancellation;
import dev.picrust.http.HttpCall;
import dev.picrust.http.HttpExchange;
import dev.picrust.http.HttpTransport;
import dev.picrust.http.ResponseHeaders;
import dev.picrust.llm.*;
import dev.picrust.llm.LlmException.Kind;
import dev.picrust.llm.sse.SseReader;
import java.net.ProxySelector;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import dev.picrust.secret.Redactor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model call over HTTP with retries, the same for every provider: the {@link WireProtocol}
 * says what goes on the wire, this loop sends it and decides what to do with the answer. Each
 * provider is a thin shell over one of these: the loop also owns the provider's transport (see
 * {@link #close()}) and fills in the default model.
 *
 * <p>An attempt that fails in a way a retry can fix (see {@link RetryPolicy}: retryable HTTP
 * statuses unless {@code x-should-retry} says otherwise, connection failures, any of the
 * {@link HttpSettings} deadlines, a stream that breaks off, an error the protocol reads mid-stream
 * and marks retryable) is tried again from scratch after the policy's delay; the listener hears
 * {@link StreamEvent.Retrying} first and must discard what the attempt streamed. Cancelling the
 * call's {@link Cancellation} (or interrupting the thread) aborts the exchange in flight or the
 * wait, and the call throws {@link CancellationException}. The API key is removed from every error
 * text, and every error names the URL called.
 */
public final class HttpRetryLoop implements AutoCloseable {
    /** Made on first use: SLF4J's start looks for providers on the class path, which opens the jar (~20 ms of a CLI run). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(HttpRetryLoop.class);
    }
    private static final int MAX_ERROR_BODY_BYTES = 1 << 20;
    private static final int MAX_ERROR_TEXT_CHARS = 2000;

    private final String label;
    private final String secret;
    private final WireProtocol wire;
    private final String defaultModel;
    private final HttpSettings settings;
    private final HttpTransport transport;
    private final boolean ownsTransport;
    /** Sees every exchange of every provider when a request log is on ({@link #record}). */
    private static volatile WireRecorder recorder = WireRecorder.OFF;

    /**
     * @param label         the provider's name in messages, e.g. {@code OpenAI}
     * @param secret        the API key, redacted from error texts (this is a class, not a record, so
     *                      the key has no accessor and shows in no {@code toString})
     * @param transport     sends the calls
     * @param ownsTransport whether {@link #close()} closes it (not when it wraps a caller's JDK client)
     */
    public HttpRetryLoop(String label, String secret, WireProtocol wire, String defaultModel, HttpSettings settings,
                         HttpTransport transport, boolean ownsTransport) {
        this.label = Objects.requireNonNull(label, "label");
        this.secret = Objects.requireNonNull(secret, "secret");
        Redactor.shared().register(secret);  // every provider's key is hidden from every output, whatever its shape
        this.wire = Objects.requireNonNull(wire, "wire");
        this.defaultModel = Objects.requireNonNull(defaultModel, "defaultModel");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.ownsTransport = ownsTransport;
    }

    /**
     * A loop sending through the settings' JDK client when set (the caller's to close), else through a
     * transport of its own for {@code target} ({@link HttpTransport#standard}), closed by {@link #close()}.
     */
    public static HttpRetryLoop standard(String label, String secret, WireProtocol wire, String defaultModel,
                                         HttpSettings settings, URI target) {
        if (settings.httpClient().isPresent()) {
            return new HttpRetryLoop(label, secret, wire, defaultModel, settings,
                    HttpTransport.jdk(settings.httpClient().get()), false);
        }
        return new HttpRetryLoop(label, secret, wire, defaultModel, settings,
                HttpTransport.standard(target, settings.connectTimeout(), ProxySelector.getDefault()), true);
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "HttpRetryLoop[" + label + ", " + settings + "]";
    }

    /** One non-streaming call ({@link dev.picrust.llm.LlmProvider#send}). */
    public LlmResponse send(LlmRequest request, Cancellation cancellation) {
        return call(request, false, StreamListener.NONE, cancellation);
    }

    /** One streaming call ({@link dev.picrust.llm.LlmProvider#stream}). */
    public LlmResponse stream(LlmRequest request, StreamListener listener, Cancellation cancellation) {
        return call(request, true, listener, cancellation);
    }

    /** Closes the transport when it is this loop's own; calls after this fail. */
    @Override
    public void close() {
        if (ownsTransport && transport instanceof AutoCloseable own) {
            try {
                own.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the transport failed", e);
            }
        }
    }

    /**
     * Installs the process's request/response recorder ({@link WireRecorder#OFF} to stop): every
     * provider's attempts from then on are shown to it. Process-wide, like the {@link Redactor}: the
     * CLI's {@code --verbose} / {@code --debug} switch it on for the run.
     */
    public static void record(WireRecorder value) {
        recorder = Objects.requireNonNull(value, "recorder");
    }

    /** Runs the call, retrying as the policy allows. */
    private LlmResponse call(LlmRequest request, boolean streaming, StreamListener listener, Cancellation cancellation) {
        String model = model(request);
        // The body is encoded per attempt and not kept between attempts: thousands of calls wait on
        // the model at once, and a retry is rare. A non-streamed answer starts only when it is
        // complete: it has the whole attempt to arrive.
        return retrying(() -> new HttpCall("POST", wire.uri(model, streaming), wire.headers(streaming),
                        wire.body(request, model, streaming),
                        streaming ? settings.firstByteTimeout() : settings.attemptTimeout(), settings.idleTimeout(),
                        settings.attemptTimeout()),
                body -> streaming ? wire.readStream(new SseReader(body, settings.idleTimeout()), listener)
                        : wire.readMessage(body.readAllBytes()),
                streaming, listener, cancellation);
    }

    /**
     * A JSON call beside the model calls (a token count), sent and retried the same way, its errors
     * read by this loop's wire; returns the answer's JSON.
     */
    public com.fasterxml.jackson.databind.JsonNode postJson(URI uri, byte[] body, Cancellation cancellation) {
        return retrying(() -> new HttpCall("POST", uri, wire.headers(false), body, settings.attemptTimeout(),
                        settings.idleTimeout(), settings.attemptTimeout()),
                in -> {
                    try {
                        return dev.picrust.json.Json.parse(in);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new LlmException(Kind.MALFORMED_RESPONSE, label + " answer is not JSON: "
                                + e.getOriginalMessage(), 0, null, false, e);
                    }
                }, false, StreamListener.NONE, cancellation);
    }

    /** The model a request is sent to: its own, or the provider's default. */
    public String model(LlmRequest request) {
        return request.model().isBlank() ? defaultModel : request.model();
    }

    /** Reads a 2xx answer's body. */
    private interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    private <T> T retrying(java.util.function.Supplier<HttpCall> call, BodyReader<T> reader, boolean streaming,
                           StreamListener listener, Cancellation cancellation) {
        RetryPolicy retryPolicy = settings.retryPolicy();
        for (int retry = 0; ; retry++) {
            cancellation.throwIfCancelled();
            try {
                return attempt(call.get(), reader, streaming, cancellation);
            } catch (AttemptFailure failure) {
                cancellation.throwIfCancelled();
                LlmException error = failure.error;
                if (!error.retryable()) {
                    throw error;
                }
                if (retry >= retryPolicy.maxRetries()) {
                    throw gaveUp(error, retry);
                }
                Duration delay = retryPolicy.delay(retry + 1, failure.serverDelay,
                        ThreadLocalRandom.current().nextDouble());
                Log.LOG.debug("{} call failed ({}); retry {} of {} in {} ms", label, Redactor.shared().redact(error.getMessage()), retry + 1,
                        retryPolicy.maxRetries(), delay.toMillis());
                listener.onEvent(new StreamEvent.Retrying(retry + 1, delay, error.getMessage()));
                settings.sleeper().sleep(delay, cancellation);
            }
        }
    }

    /** Removes the API key from a text (a key of a few characters is a toy; replacing it would garble). */
    public String redact(String text) {
        return secret.length() < 8 ? text : text.replace(secret, "[redacted]");
    }

    @SuppressWarnings("unchecked")  // T is LlmResponse exactly when the answer is one
    private <T> T attempt(HttpCall call, BodyReader<T> reader, boolean streaming, Cancellation cancellation)
            throws AttemptFailure {
        try (WireRecorder.Exchange recording = recorder.start(label, call)) {
            try {
                T answer = exchange(call, reader, streaming, cancellation, recording);
                return answer instanceof LlmResponse response ? (T) recording.answered(response) : answer;
            } catch (AttemptFailure failure) {
                recording.failed(failure.error.getMessage());
                throw failure;
            }
        }
    }

    private <T> T exchange(HttpCall call, BodyReader<T> reader, boolean streaming, Cancellation cancellation,
                           WireRecorder.Exchange recording) throws AttemptFailure {
        HttpExchange exchange;
        URI uri = call.uri();
        try {
            exchange = transport.send(call, cancellation);
        } catch (IOException e) {
            if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
                throw new CancellationException("cancelled");
            }
            throw sendFailure(e, uri, streaming);
        }
        try (exchange) {
            int statusCode = exchange.statusCode();
            Optional<String> requestId = wire.requestId(exchange.headers());
            // A failure while reading a 2xx body is not an HTTP error answer, so it carries no status.
            int status = statusCode / 100 == 2 ? 0 : statusCode;
            InputStream answer = recording.answer(statusCode, exchange.body());
            try {
                if (statusCode / 100 != 2) {
                    throw httpError(statusCode, exchange.headers(), answer.readNBytes(MAX_ERROR_BODY_BYTES), requestId);
                }
                return reader.read(answer);
            } catch (IOException e) {
                if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("cancelled");
                }
                if (e instanceof SocketTimeoutException) {
                    // The message says which limit: "stalled: no data for ..", ".. only keep-alive pings ..", the deadline.
                    throw new AttemptFailure(new LlmException(Kind.TIMEOUT, label + " answer from " + uri + " "
                            + redact(String.valueOf(e.getMessage())), status, requestId.orElse(null), true, e));
                }
                throw new AttemptFailure(new LlmException(Kind.CONNECTION, label + " connection to " + uri
                        + " broke while reading: " + describe(e), status, requestId.orElse(null), true, e));
            } catch (LlmException e) {
                if (cancellation.isCancelled()) {
                    throw new CancellationException("cancelled");
                }
                throw new AttemptFailure(withRequestId(e, requestId));
            }
        }
    }

    private AttemptFailure httpError(int status, ResponseHeaders headers, byte[] bytes,
                                     Optional<String> headerRequestId) {
        WireProtocol.ErrorBody error = wire.readError(status, new String(bytes, StandardCharsets.UTF_8));
        String detail = error.message().strip();
        if (detail.length() > MAX_ERROR_TEXT_CHARS) {
            detail = detail.substring(0, MAX_ERROR_TEXT_CHARS) + "...";
        }
        String message = label + " API error: HTTP " + status + (error.type().isEmpty() ? "" : " " + error.type())
                + (detail.isEmpty() ? "" : ": " + detail);
        String requestId = error.requestId().or(() -> headerRequestId).orElse(null);
        LlmException exception = new LlmException(error.kind(), redact(message), status, requestId,
                RetryPolicy.shouldRetry(status, headers::firstValue), null);
        return new AttemptFailure(exception, RetryPolicy.serverDelay(headers::firstValue, Instant.now()));
    }

    /** A failure to send or to get the answer's head; the messages name the URI, which is what users get wrong. */
    private AttemptFailure sendFailure(Throwable cause, URI uri, boolean streaming) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new AttemptFailure(new LlmException(Kind.CONNECTION, label + " connect to " + uri
                    + " timed out after " + settings.connectTimeout().toMillis() + " ms", 0, null, true, cause));
        }
        if (cause instanceof HttpTimeoutException) {
            Duration limit = streaming ? settings.firstByteTimeout() : settings.attemptTimeout();
            return new AttemptFailure(new LlmException(Kind.TIMEOUT, label + " answer from " + uri
                    + " did not start within " + Math.min(limit.toMillis(), settings.attemptTimeout().toMillis())
                    + " ms", 0, null, true, cause));
        }
        return new AttemptFailure(new LlmException(Kind.CONNECTION, label + " connection to " + uri + " failed: "
                + describe(cause), 0, null, true, cause));
    }

    private static LlmException gaveUp(LlmException last, int retries) {
        return new LlmException(last.kind(), last.getMessage() + " (gave up after " + retries + " retries)",
                last.status(), last.requestId().orElse(null), last.retryable(), last);
    }

    private static LlmException withRequestId(LlmException e, Optional<String> requestId) {
        if (e.requestId().isPresent() || requestId.isEmpty()) {
            return e;
        }
        return new LlmException(e.kind(), e.getMessage(), e.status(), requestId.get(), e.retryable(), e.getCause());
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
