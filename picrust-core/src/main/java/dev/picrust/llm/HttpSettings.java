package dev.picrust.llm;

import dev.picrust.Cancellation;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a provider talks HTTP: its deadlines, retries and transport, the same settings for every
 * provider ({@code AnthropicConfig}, {@code OpenAiConfig}, {@code GeminiConfig} each hold one).
 *
 * <p>Every attempt of a call is bounded four ways, so a dead or stalled server always costs a known
 * time: the connection must be made within {@code connectTimeout}; a streamed answer must start (its
 * status line and headers) within {@code firstByteTimeout}; once streaming, the answer must bring
 * content at least every {@code idleTimeout}: keep-alive {@code ping} events and SSE comments do not
 * count, so a server that only pings times out too; and the whole attempt, connect to last byte, ends
 * at {@code attemptTimeout} however the bytes trickle. A non-streamed answer only starts when it is
 * complete, so it has until the attempt deadline to arrive. A timed-out attempt is retried per
 * {@code retryPolicy} like any failed connection. The defaults give up on a server that accepts
 * connections and never answers within about two and a half minutes (five attempts of 30 s, and the
 * backoff between them).
 *
 * <p>The deadlines cost nothing per call beyond a clock read per read: they are the socket's own read
 * timeout, set to whichever limit comes first.
 *
 * @param connectTimeout   TCP (and TLS) connect limit
 * @param firstByteTimeout how long a streamed answer may take to start
 * @param idleTimeout      how long a stream may go without content (pings and comments ignored)
 * @param attemptTimeout   the overall deadline of one attempt
 * @param retryPolicy      see {@link RetryPolicy}
 * @param sleeper          how to wait between retries (tests record instead of waiting)
 * @param httpClient       a JDK client to send every request through as is (HTTP/2, proxies,
 *                         authenticators; it then enforces the connect timeout it was built with);
 *                         empty for the default: the provider's own HTTP/1.1 transport, or a JDK client
 *                         when the JVM's proxy settings route the base URL through a proxy
 */
public record HttpSettings(Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout,
                           Duration attemptTimeout, RetryPolicy retryPolicy, Sleeper sleeper,
                           Optional<HttpClient> httpClient) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofMinutes(10);

    /** Every default: see the class comment. */
    public static final HttpSettings DEFAULTS = new HttpSettings(DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_BYTE_TIMEOUT,
            DEFAULT_IDLE_TIMEOUT, DEFAULT_ATTEMPT_TIMEOUT, RetryPolicy.DEFAULT, Sleeper.system(), Optional.empty());

    public HttpSettings {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(firstByteTimeout, "firstByteTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(httpClient, "httpClient");
    }

    public HttpSettings withConnectTimeout(Duration value) {
        return new HttpSettings(value, firstByteTimeout, idleTimeout, attemptTimeout, retryPolicy, sleeper, httpClient);
    }

    public HttpSettings withFirstByteTimeout(Duration value) {
        return new HttpSettings(connectTimeout, value, idleTimeout, attemptTimeout, retryPolicy, sleeper, httpClient);
    }

    public HttpSettings withIdleTimeout(Duration value) {
        return new HttpSettings(connectTimeout, firstByteTimeout, value, attemptTimeout, retryPolicy, sleeper, httpClient);
    }

    public HttpSettings withAttemptTimeout(Duration value) {
        return new HttpSettings(connectTimeout, firstByteTimeout, idleTimeout, value, retryPolicy, sleeper, httpClient);
    }

    public HttpSettings withRetryPolicy(RetryPolicy value) {
        return new HttpSettings(connectTimeout, firstByteTimeout, idleTimeout, attemptTimeout, value, sleeper, httpClient);
    }

    public HttpSettings withSleeper(Sleeper value) {
        return new HttpSettings(connectTimeout, firstByteTimeout, idleTimeout, attemptTimeout, retryPolicy, value, httpClient);
    }

    /** Sends requests through a JDK client as is (HTTP/2, proxies, authenticators); the caller closes it. */
    public HttpSettings withHttpClient(HttpClient value) {
        return new HttpSettings(connectTimeout, firstByteTimeout, idleTimeout, attemptTimeout, retryPolicy, sleeper,
                Optional.of(value));
    }

    @Override
    public String toString() {
        return "HttpSettings[connectTimeout=" + connectTimeout + ", firstByteTimeout=" + firstByteTimeout
                + ", idleTimeout=" + idleTimeout + ", attemptTimeout=" + attemptTimeout + ", retryPolicy=" + retryPolicy
                + (httpClient.isPresent() ? ", JDK HttpClient" : "") + "]";
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /**
     * Waits between retries. Injectable so tests can record the requested delays instead of waiting
     * them out; the real one wakes as soon as the call is cancelled.
     */
    @FunctionalInterface
    public interface Sleeper {

        /**
         * Waits for {@code delay}, or less if {@code cancellation} fires.
         *
         * @throws CancellationException if the call was cancelled (before or during the wait) or the
         *                               thread was interrupted (its interrupt flag is kept)
         */
        void sleep(Duration delay, Cancellation cancellation);

        /** Really waits, on a latch that a cancel releases at once. */
        static Sleeper system() {
            return Sleeper::waitUnlessCancelled;
        }

        private static void waitUnlessCancelled(Duration delay, Cancellation cancellation) {
            CountDownLatch cancelled = new CountDownLatch(1);
            Cancellation.Registration registration = cancellation.onCancel(cancelled::countDown);
            try {
                cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting to retry");
            } finally {
                registration.close();
            }
            cancellation.throwIfCancelled();
        }
    }
}
