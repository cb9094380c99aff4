package dev.picrust.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a provider retries a failed call. A retry always re-sends the whole request; a streamed
 * answer that broke off is discarded, never resumed.
 *
 * <p>Defaults ({@link #DEFAULT}): up to <b>4 retries</b> (5 attempts). The wait before retry
 * {@code n} (1-based) is {@code min(500 ms * 2^(n-1), 8 s)}, reduced by a random factor of up to
 * 25% so that many agents hit by the same outage do not retry in lock step (0.5, 1, 2, 4 s before
 * jitter). Jitter only shortens the wait, never to below 75% of it, because a retry against a rate
 * limit that comes too early is wasted; this matches the official Anthropic SDKs. When the server
 * names a delay ({@code retry-after-ms}, else {@code retry-after} in seconds or as an HTTP date),
 * that delay is used as is, without jitter, capped at {@code maxServerDelay} (60 s) so a
 * misbehaving server cannot park an agent for hours.
 *
 * <p>What is retried (see {@link #shouldRetry}): HTTP 408, 409, 429 and every 5xx (including
 * Anthropic's 529 "overloaded"), unless the server says otherwise with {@code x-should-retry:
 * true|false}; connection failures and timeouts; and provider-specific stream failures (an error
 * event mid-stream, a stream that stalls or ends early), which the provider decides.
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxServerDelay) {

    public static final RetryPolicy DEFAULT =
            new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));

    /** Never retries. */
    public static final RetryPolicy NONE = DEFAULT.withMaxRetries(0);

    private static final double MAX_JITTER = 0.25;

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        requirePositive(maxServerDelay, "maxServerDelay");
    }

    public RetryPolicy withMaxRetries(int newMaxRetries) {
        return new RetryPolicy(newMaxRetries, initialBackoff, maxBackoff, maxServerDelay);
    }

    /**
     * The wait before retry {@code retry} (1-based) when the server named no delay.
     *
     * @param random a uniform value in [0, 1) choosing the jitter
     */
    public Duration backoff(int retry, double random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based, got " + retry);
        }
        long initial = initialBackoff.toNanos();
        long max = maxBackoff.toNanos();
        long base = initial;
        for (int i = 1; i < retry && base < max; i++) {
            base = base > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : base * 2;
        }
        base = Math.min(base, max);
        double factor = 1.0 - MAX_JITTER * Math.clamp(random, 0.0, 1.0);
        return Duration.ofNanos(Math.round(base * factor));
    }

    /** The wait before retry {@code retry}: the server's delay if it named one, else {@link #backoff}. */
    public Duration delay(int retry, Optional<Duration> serverDelay, double random) {
        return serverDelay
                .filter(d -> !d.isNegative() && !d.isZero())
                .map(d -> d.compareTo(maxServerDelay) > 0 ? maxServerDelay : d)
                .orElseGet(() -> backoff(retry, random));
    }

    /**
     * Whether an HTTP error answer is worth retrying: {@code x-should-retry: true|false} decides when
     * present; otherwise 408, 409, 429 and 5xx are. {@code header} gives a header's first value by name
     * (ignoring case), so any HTTP client's headers fit.
     */
    public static boolean shouldRetry(int status, Function<String, Optional<String>> header) {
        Optional<String> hint = header.apply("x-should-retry").map(v -> v.trim().toLowerCase(Locale.ROOT));
        if (hint.isPresent() && hint.get().equals("true")) {
            return true;
        }
        if (hint.isPresent() && hint.get().equals("false")) {
            return false;
        }
        return isRetryableStatus(status);
    }

    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /**
     * The delay the server asked for: {@code retry-after-ms} (milliseconds, fractions allowed),
     * else {@code retry-after} as seconds (fractions allowed) or as an HTTP date relative to
     * {@code now}. Empty when absent, unparsable, or not in the future. {@code header} as in
     * {@link #shouldRetry}.
     */
    public static Optional<Duration> serverDelay(Function<String, Optional<String>> header, Instant now) {
        Optional<Duration> millis = header.apply("retry-after-ms")
                .flatMap(v -> parseNumber(v).map(ms -> Duration.ofNanos(Math.round(ms * 1_000_000d))));
        if (millis.isPresent()) {
            return millis.filter(RetryPolicy::isPositive);
        }
        return header.apply("retry-after").flatMap(v -> parseRetryAfter(v, now)).filter(RetryPolicy::isPositive);
    }

    private static Optional<Duration> parseRetryAfter(String value, Instant now) {
        Optional<Double> seconds = parseNumber(value);
        if (seconds.isPresent()) {
            return Optional.of(Duration.ofNanos(Math.round(seconds.get() * 1_000_000_000d)));
        }
        try {
            Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(Duration.between(now, at));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Double> parseNumber(String value) {
        try {
            double d = Double.parseDouble(value.trim());
            // Bound the value so the nanosecond conversion cannot overflow; anything this large is capped anyway.
            return Double.isFinite(d) ? Optional.of(Math.min(d, 1e9)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isPositive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
