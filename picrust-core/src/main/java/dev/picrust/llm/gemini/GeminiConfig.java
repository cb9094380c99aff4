package dev.picrust.llm.gemini;

import dev.picrust.llm.LlmException;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.Sleeper;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of an {@link GeminiProvider}. The API key never appears in {@link #toString()}.
 *
 * @param apiKey            sent as {@code x-goog-api-key}
 * @param baseUrl           up to and including the API version ({@code https://generativelanguage.googleapis.com/v1beta});
 *                          {@code /models/<model>:generateContent} (or {@code :streamGenerateContent?alt=sse}) is appended
 * @param defaultModel      the model used when a request names none
 * @param headers           further request headers (a proxy's key, ...)
 * @param connectTimeout    how long to wait for the TCP (and TLS) connection
 * @param requestTimeout    how long to wait for the answer to start
 * @param streamIdleTimeout how long a stream may stay silent before the call is abandoned and retried
 * @param retryPolicy       retries of failed calls
 * @param sleeper           waits between retries (tests record instead)
 * @param httpClient        a JDK client to send every request through (HTTP/2, proxies); empty for the
 *                          provider's own HTTP/1.1 transport (a JDK client when the JVM's proxy settings apply)
 */
public record GeminiConfig(String apiKey, URI baseUrl, String defaultModel, Map<String, String> headers,
                           Duration connectTimeout, Duration requestTimeout, Duration streamIdleTimeout,
                           RetryPolicy retryPolicy, Sleeper sleeper, Optional<HttpClient> httpClient) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://generativelanguage.googleapis.com/v1beta");
    public static final String DEFAULT_MODEL = "gemini-2.5-flash";

    public GeminiConfig {
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isBlank()) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "Gemini API key is empty");
        }
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (baseUrl.getScheme() == null || baseUrl.getHost() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
            throw new LlmException(LlmException.Kind.CONFIGURATION,
                    "Gemini base URL must be an absolute http(s) URL, got " + baseUrl);
        }
        Objects.requireNonNull(defaultModel, "defaultModel");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(streamIdleTimeout, "streamIdleTimeout");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(httpClient, "httpClient");
    }

    public static Builder builder(String apiKey) {
        return new Builder(apiKey);
    }

    /** Reads {@code GEMINI_API_KEY} (required) and {@code GEMINI_BASE_URL} (optional). */
    public static GeminiConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the given variables. */
    public static GeminiConfig fromEnvironment(Map<String, String> env) {
        String key = Optional.ofNullable(env.get("GEMINI_API_KEY")).map(String::trim).orElse("");
        if (key.isEmpty()) {
            throw new LlmException(LlmException.Kind.CONFIGURATION,
                    "GEMINI_API_KEY is not set: export it, or configure the Gemini provider with an API key in code");
        }
        Builder builder = builder(key);
        String base = env.get("GEMINI_BASE_URL");
        if (base != null && !base.isBlank()) {
            try {
                builder.baseUrl(new URI(base.trim()));
            } catch (URISyntaxException e) {
                throw new LlmException(LlmException.Kind.CONFIGURATION,
                        "GEMINI_BASE_URL is not a valid URL: " + base, 0, null, false, e);
            }
        }
        return builder.build();
    }

    public Builder toBuilder() {
        return new Builder(apiKey).baseUrl(baseUrl).defaultModel(defaultModel).headers(headers).connectTimeout(connectTimeout)
                .requestTimeout(requestTimeout).streamIdleTimeout(streamIdleTimeout).retryPolicy(retryPolicy)
                .sleeper(sleeper).httpClient(httpClient.orElse(null));
    }

    /** Everything but the key and header values, which may hold secrets too. */
    @Override
    public String toString() {
        return "GeminiConfig[apiKey=[redacted], baseUrl=" + baseUrl
                + ", defaultModel=" + defaultModel + ", headers=" + headers.keySet()
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", streamIdleTimeout=" + streamIdleTimeout + ", retryPolicy=" + retryPolicy + "]";
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Many optional settings, so a builder; every one has a default. */
    public static final class Builder {
        private final String apiKey;
        private URI baseUrl = DEFAULT_BASE_URL;
        private String defaultModel = DEFAULT_MODEL;
        private Map<String, String> headers = Map.of();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(10);
        private Duration streamIdleTimeout = Duration.ofSeconds(120);
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Sleeper sleeper = Sleeper.system();
        private HttpClient httpClient;

        private Builder(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        }

        public Builder baseUrl(URI value) {
            baseUrl = value;
            return this;
        }

        public Builder baseUrl(String value) {
            return baseUrl(URI.create(value));
        }

        public Builder defaultModel(String value) {
            defaultModel = value;
            return this;
        }

        public Builder headers(Map<String, String> value) {
            headers = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        public Builder streamIdleTimeout(Duration value) {
            streamIdleTimeout = value;
            return this;
        }

        public Builder retryPolicy(RetryPolicy value) {
            retryPolicy = value;
            return this;
        }

        public Builder sleeper(Sleeper value) {
            sleeper = value;
            return this;
        }

        /** Sends requests through a JDK client (HTTP/2, proxies); null for the default transport. */
        public Builder httpClient(HttpClient value) {
            httpClient = value;
            return this;
        }

        public GeminiConfig build() {
            return new GeminiConfig(apiKey, baseUrl, defaultModel, headers, connectTimeout, requestTimeout, streamIdleTimeout, retryPolicy, sleeper,
                    Optional.ofNullable(httpClient));
        }
    }
}
