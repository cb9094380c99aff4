package dev.picrust.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.http.ResponseHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static Function<String, Optional<String>> headers(String... nameValues) {
        return ResponseHeaders.of(nameValues)::firstValue;
    }

    @Test
    void defaultsAreFourRetriesFromHalfASecondUpToEightSeconds() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        assertThat(p.maxRetries()).isEqualTo(4);
        assertThat(p.backoff(1, 0)).isEqualTo(Duration.ofMillis(500));
        assertThat(p.backoff(2, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoff(3, 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoff(4, 0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.backoff(5, 0)).isEqualTo(Duration.ofSeconds(8));
        assertThat(p.backoff(50, 0)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void jitterShortensByAtMostAQuarter() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        assertThat(p.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(1750));
        assertThat(p.backoff(3, 0.999_999)).isBetween(Duration.ofMillis(1500), Duration.ofMillis(1501));
    }

    @Test
    void serverDelayWinsWithoutJitterAndIsCapped() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        assertThat(p.delay(1, Optional.of(Duration.ofMillis(1500)), 0.9)).isEqualTo(Duration.ofMillis(1500));
        assertThat(p.delay(1, Optional.of(Duration.ofMinutes(30)), 0.9)).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.delay(2, Optional.of(Duration.ZERO), 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.delay(2, Optional.empty(), 0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void readsRetryAfterMsAsFractionalMilliseconds() {
        assertThat(RetryPolicy.serverDelay(headers("retry-after-ms", "1500"), NOW)).contains(Duration.ofMillis(1500));
        assertThat(RetryPolicy.serverDelay(headers("retry-after-ms", "12.5"), NOW)).contains(Duration.ofMillis(12).plusNanos(500_000));
    }

    @Test
    void retryAfterMsTakesPrecedenceOverRetryAfter() {
        assertThat(RetryPolicy.serverDelay(headers("retry-after-ms", "250", "retry-after", "9"), NOW))
                .contains(Duration.ofMillis(250));
    }

    @Test
    void readsRetryAfterSecondsAndHttpDates() {
        assertThat(RetryPolicy.serverDelay(headers("retry-after", "2"), NOW)).contains(Duration.ofSeconds(2));
        assertThat(RetryPolicy.serverDelay(headers("retry-after", "0.25"), NOW)).contains(Duration.ofMillis(250));
        assertThat(RetryPolicy.serverDelay(headers("retry-after", "Thu, 01 Jan 2026 00:00:07 GMT"), NOW))
                .contains(Duration.ofSeconds(7));
    }

    @Test
    void ignoresAbsentPastAndGarbageDelays() {
        assertThat(RetryPolicy.serverDelay(headers(), NOW)).isEmpty();
        assertThat(RetryPolicy.serverDelay(headers("retry-after", "Wed, 31 Dec 2025 23:59:00 GMT"), NOW)).isEmpty();
        assertThat(RetryPolicy.serverDelay(headers("retry-after", "soon"), NOW)).isEmpty();
        assertThat(RetryPolicy.serverDelay(headers("retry-after-ms", "-5"), NOW)).isEmpty();
        assertThat(RetryPolicy.serverDelay(headers("retry-after-ms", "NaN"), NOW)).isEmpty();
    }

    @Test
    void retriesTransientStatusesUnlessTheServerSaysOtherwise() {
        for (int status : new int[] {408, 409, 429, 500, 502, 503, 504, 529}) {
            assertThat(RetryPolicy.shouldRetry(status, headers())).as("%d", status).isTrue();
        }
        for (int status : new int[] {400, 401, 403, 404, 413, 422}) {
            assertThat(RetryPolicy.shouldRetry(status, headers())).as("%d", status).isFalse();
        }
        assertThat(RetryPolicy.shouldRetry(500, headers("x-should-retry", "false"))).isFalse();
        assertThat(RetryPolicy.shouldRetry(400, headers("x-should-retry", "true"))).isTrue();
        assertThat(RetryPolicy.shouldRetry(429, headers("x-should-retry", "maybe"))).isTrue();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(-1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.DEFAULT.backoff(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RetryPolicy.NONE.maxRetries()).isZero();
    }
}
