package dev.picrust.llm.anthropic;

import dev.picrust.llm.LlmException;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.Sleeper;
import dev.picrust.secret.Redactor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of an {@link AnthropicProvider}. The API key never appears in {@link #toString()}.
 *
 * @param apiKey            sent as {@code x-api-key}
 * @param baseUrl           scheme, host and optional path prefix; {@code /v1/messages} is appended
 * @param version           the {@code anthropic-version} header
 * @param betas             joined with commas into one {@code anthropic-beta} header; none sent when empty
 * @param defaultModel      used when a request's model is blank
 * @param connectTimeout    TCP/TLS connect limit
 * @param requestTimeout    limit for the response headers to arrive (a non-streaming answer only
 *                          sends them when the whole message is done, so this is generous)
 * @param streamIdleTimeout a body read that gets no bytes for this long counts as a stalled
 *                          connection: the call is retried from scratch (Anthropic pings idle
 *                          streams, so a live stream is never quiet this long)
 * @param retryPolicy       see {@link RetryPolicy}
 * @param sleeper           how to wait between retries (tests record instead of waiting)
 * @param httpClient        a JDK client to send every request through as is (HTTP/2, proxies,
 *                          authenticators); empty for the default: the provider's own HTTP/1.1 transport
 *                          built from {@code connectTimeout} and shared by every call, or a JDK client when
 *                          the JVM's proxy settings route the base URL through a proxy
 */
public record AnthropicConfig(String apiKey, URI baseUrl, String version, List<String> betas, String defaultModel,
                              Duration connectTimeout, Duration requestTimeout, Duration streamIdleTimeout,
                              RetryPolicy retryPolicy, Sleeper sleeper, Optional<HttpClient> httpClient) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://api.anthropic.com");
    public static final String DEFAULT_VERSION = "2023-06-01";
    public static final String DEFAULT_MODEL = "claude-sonnet-4-5";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public AnthropicConfig {
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isBlank()) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "Anthropic API key is empty");
        }
        Redactor.shared().register(apiKey);  // whatever its shape, this key is hidden from every output
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (baseUrl.getScheme() == null || baseUrl.getHost() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
            throw new LlmException(LlmException.Kind.CONFIGURATION,
                    "Anthropic base URL must be an absolute http(s) URL, got " + baseUrl);
        }
        Objects.requireNonNull(version, "version");
        betas = List.copyOf(betas);
        Objects.requireNonNull(defaultModel, "defaultModel");
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

    /** Reads {@code ANTHROPIC_API_KEY} (required) and {@code ANTHROPIC_BASE_URL} (optional). */
    public static AnthropicConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the given variables instead of the process's. */
    public static AnthropicConfig fromEnvironment(Map<String, String> env) {
        String key = env.get("ANTHROPIC_API_KEY");
        if (key == null || key.isBlank()) {
            throw new LlmException(LlmException.Kind.CONFIGURATION,
                    "ANTHROPIC_API_KEY is not set: export it, or configure the Anthropic provider with an API key in code");
        }
        Builder builder = builder(key.trim());
        String base = env.get("ANTHROPIC_BASE_URL");
        if (base != null && !base.isBlank()) {
            try {
                builder.baseUrl(new URI(base.trim()));
            } catch (URISyntaxException e) {
                throw new LlmException(LlmException.Kind.CONFIGURATION,
                        "ANTHROPIC_BASE_URL is not a valid URL: " + base, 0, null, false, e);
            }
        }
        return builder.build();
    }

    public Builder toBuilder() {
        return new Builder(apiKey).baseUrl(baseUrl).version(version).betas(betas).defaultModel(defaultModel)
                .connectTimeout(connectTimeout).requestTimeout(requestTimeout).streamIdleTimeout(streamIdleTimeout)
                .retryPolicy(retryPolicy).sleeper(sleeper).httpClient(httpClient.orElse(null));
    }

    /** Everything but the key, which shows only as {@code [redacted]}. */
    @Override
    public String toString() {
        return "AnthropicConfig[apiKey=[redacted], baseUrl=" + baseUrl + ", version=" + version + ", betas=" + betas
                + ", defaultModel=" + defaultModel + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", streamIdleTimeout=" + streamIdleTimeout
                + ", retryPolicy=" + retryPolicy + "]";
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
        private String version = DEFAULT_VERSION;
        private List<String> betas = List.of();
        private String defaultModel = DEFAULT_MODEL;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
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

        public Builder version(String value) {
            version = value;
            return this;
        }

        public Builder betas(List<String> value) {
            betas = value;
            return this;
        }

        public Builder defaultModel(String value) {
            defaultModel = value;
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

        /** Sends requests through a JDK client as is (HTTP/2, proxies, authenticators); null for the default. */
        public Builder httpClient(HttpClient value) {
            httpClient = value;
            return this;
        }

        public AnthropicConfig build() {
            return new AnthropicConfig(apiKey, baseUrl, version, betas, defaultModel, connectTimeout, requestTimeout,
                    streamIdleTimeout, retryPolicy, sleeper, Optional.ofNullable(httpClient));
        }
    }
}
