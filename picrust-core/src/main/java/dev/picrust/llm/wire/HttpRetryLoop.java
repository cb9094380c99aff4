package dev.picrust.llm.wire;

import dev.picrust.Cancellation;
import dev.picrust.http.HttpCall;
import dev.picrust.http.HttpExchange;
import dev.picrust.http.HttpTransport;
import dev.picrust.http.ResponseHeaders;
import dev.picrust.llm.*;
import dev.picrust.llm.LlmException.Kind;
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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model call over HTTP with retries, the same for every provider: the {@link WireProtocol}
 * says what goes on the wire, this loop sends it and decides what to do with the answer.
 *
 * <p>An attempt that fails in a way a retry can fix (see {@link RetryPolicy}: retryable HTTP
 * statuses unless {@code x-should-retry} says otherwise, connection failures, timeouts, a stream
 * that stalls longer than the idle timeout or breaks off, an error the protocol reads mid-stream and
 * marks retryable) is tried again from scratch after the policy's delay; the listener hears
 * {@link StreamEvent.Retrying} first and must discard what the attempt streamed. Cancelling the
 * call's {@link Cancellation} (or interrupting the thread) aborts the exchange in flight or the
 * wait, and the call throws {@link CancellationException}. The API key is removed from every error
 * text.
 *
 * <p>Constructor arguments: {@code label}, the provider's name in messages, e.g. {@code OpenAI};
 * {@code secret}, the API key, redacted from error texts (this is a class, not a record, so the key
 * has no accessor and shows in no {@code toString}); the transport, retry policy and sleeper; the
 * connect timeout (named in errors; the transport enforces it), how long an answer may take to
 * start, and how long a body read may wait for bytes.
 */
public final class HttpRetryLoop {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRetryLoop.class);
    private static final int MAX_ERROR_BODY_BYTES = 1 << 20;
    private static final int MAX_ERROR_TEXT_CHARS = 2000;

    private final String label;
    private final String secret;
    private final HttpTransport transport;
    private final RetryPolicy retryPolicy;
    private final Sleeper sleeper;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration streamIdleTimeout;
    /** Sees every exchange of every provider when a request log is on ({@link #record}). */
    private static volatile WireRecorder recorder = WireRecorder.OFF;

    public HttpRetryLoop(String label, String secret, HttpTransport transport, RetryPolicy retryPolicy, Sleeper sleeper,
                         Duration connectTimeout, Duration requestTimeout, Duration streamIdleTimeout) {
        this.label = Objects.requireNonNull(label, "label");
        this.secret = Objects.requireNonNull(secret, "secret");
        Redactor.shared().register(secret);  // every provider's key is hidden from every output, whatever its shape
        this.transport = Objects.requireNonNull(transport, "transport");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.streamIdleTimeout = Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "HttpRetryLoop[" + label + ", " + retryPolicy + "]";
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
    public LlmResponse call(WireProtocol wire, LlmRequest request, String model, boolean streaming,
                            StreamListener listener, Cancellation cancellation) {
        for (int retry = 0; ; retry++) {
            cancellation.throwIfCancelled();
            try {
                // The body is encoded per attempt and not kept between attempts: thousands of calls
                // wait on the model at once, and a retry is rare.
                return attempt(wire, request, model, streaming, listener, cancellation);
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
                LOG.debug("{} call failed ({}); retry {} of {} in {} ms", label, Redactor.shared().redact(error.getMessage()), retry + 1,
                        retryPolicy.maxRetries(), delay.toMillis());
                listener.onEvent(new StreamEvent.Retrying(retry + 1, delay, error.getMessage()));
                sleeper.sleep(delay, cancellation);
            }
        }
    }

    /** Removes the API key from a text (a key of a few characters is a toy; replacing it would garble). */
    public String redact(String text) {
        return secret.length() < 8 ? text : text.replace(secret, "[redacted]");
    }

    private LlmResponse attempt(WireProtocol wire, LlmRequest request, String model, boolean streaming,
                                StreamListener listener, Cancellation cancellation) throws AttemptFailure {
        HttpCall call = new HttpCall("POST", wire.uri(model, streaming), wire.headers(streaming),
                wire.body(request, model, streaming), requestTimeout, streamIdleTimeout);
        try (WireRecorder.Exchange recording = recorder.start(label, call)) {
            try {
                return recording.answered(exchange(wire, call, streaming, listener, cancellation, recording));
            } catch (AttemptFailure failure) {
                recording.failed(failure.error.getMessage());
                throw failure;
            }
        }
    }

    private LlmResponse exchange(WireProtocol wire, HttpCall call, boolean streaming, StreamListener listener,
                                 Cancellation cancellation, WireRecorder.Exchange recording) throws AttemptFailure {
        HttpExchange exchange;
        URI uri = call.uri();
        try {
            exchange = transport.send(call, cancellation);
        } catch (IOException e) {
            if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
                throw new CancellationException("cancelled");
            }
            throw sendFailure(e, uri);
        }
        try (exchange) {
            int statusCode = exchange.statusCode();
            Optional<String> requestId = wire.requestId(exchange.headers());
            // A failure while reading a 2xx body is not an HTTP error answer, so it carries no status.
            int status = statusCode / 100 == 2 ? 0 : statusCode;
            InputStream body = recording.answer(statusCode, exchange.body());
            try {
                if (statusCode / 100 != 2) {
                    throw httpError(wire, statusCode, exchange.headers(), body.readNBytes(MAX_ERROR_BODY_BYTES),
                            requestId);
                }
                return streaming ? wire.readStream(body, listener) : wire.readMessage(body.readAllBytes());
            } catch (IOException e) {
                if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("cancelled");
                }
                if (e instanceof SocketTimeoutException) {
                    throw new AttemptFailure(new LlmException(Kind.TIMEOUT, label + " stream stalled: no data for "
                            + streamIdleTimeout.toMillis() + " ms", status, requestId.orElse(null), true, e));
                }
                throw new AttemptFailure(new LlmException(Kind.CONNECTION, label
                        + " connection broke while reading: " + describe(e), status, requestId.orElse(null), true, e));
            } catch (LlmException e) {
                if (cancellation.isCancelled()) {
                    throw new CancellationException("cancelled");
                }
                throw new AttemptFailure(withRequestId(e, requestId));
            }
        }
    }

    private AttemptFailure httpError(WireProtocol wire, int status, ResponseHeaders headers, byte[] bytes,
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
    private AttemptFailure sendFailure(Throwable cause, URI uri) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new AttemptFailure(new LlmException(Kind.CONNECTION, label + " connect to " + uri
                    + " timed out after " + connectTimeout.toMillis() + " ms", 0, null, true, cause));
        }
        if (cause instanceof HttpTimeoutException) {
            return new AttemptFailure(new LlmException(Kind.TIMEOUT, label + " answer from " + uri
                    + " did not start within " + requestTimeout.toMillis() + " ms", 0, null, true, cause));
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
