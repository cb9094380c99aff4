package dev.picrust.llm.openai;

import dev.picrust.llm.LlmException;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.Sleeper;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of an {@link OpenAiProvider}. The API key never appears in {@link #toString()}.
 *
 * @param apiKey            sent as {@code Authorization: Bearer}; empty for local servers that need none
 * @param baseUrl           up to and including the API version, as compatible servers expect
 *                          ({@code https://api.openai.com/v1}, {@code http://localhost:11434/v1});
 *                          {@code /chat/completions} is appended
 * @param defaultModel      the model used when a request names none
 * @param maxTokensField    which field carries the output limit
 * @param streamUsage       whether streamed calls ask for a usage chunk ({@code stream_options.include_usage});
 *                          off for the few servers that reject {@code stream_options}
 * @param headers           further request headers (OpenRouter's {@code HTTP-Referer}, a proxy's key, ...)
 * @param connectTimeout    how long to wait for the TCP (and TLS) connection
 * @param requestTimeout    how long to wait for the answer to start
 * @param streamIdleTimeout how long a stream may stay silent before the call is abandoned and retried
 * @param retryPolicy       retries of failed calls
 * @param sleeper           waits between retries (tests record instead)
 * @param httpClient        a JDK client to send every request through (HTTP/2, proxies); empty for the
 *                          provider's own HTTP/1.1 transport (a JDK client when the JVM's proxy settings apply)
 */
public record OpenAiConfig(String apiKey, URI baseUrl, String defaultModel, MaxTokensField maxTokensField,
                           boolean streamUsage, Map<String, String> headers, Duration connectTimeout,
                           Duration requestTimeout, Duration streamIdleTimeout, RetryPolicy retryPolicy,
                           Sleeper sleeper, Optional<HttpClient> httpClient) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://api.openai.com/v1");
    public static final String DEFAULT_MODEL = "gpt-4.1";

    /**
     * The request field that limits output. OpenAI's reasoning models accept only
     * {@code max_completion_tokens}; many compatible servers know only the older {@code max_tokens}.
     */
    public enum MaxTokensField {
        MAX_COMPLETION_TOKENS("max_completion_tokens"),
        MAX_TOKENS("max_tokens");

        private final String wire;

        MaxTokensField(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** {@code max_completion_tokens} for OpenAI itself, {@code max_tokens} for every other server. */
        public static MaxTokensField defaultFor(URI baseUrl) {
            String host = baseUrl.getHost() == null ? "" : baseUrl.getHost().toLowerCase(Locale.ROOT);
            return host.equals("api.openai.com") ? MAX_COMPLETION_TOKENS : MAX_TOKENS;
        }
    }

    public OpenAiConfig {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (baseUrl.getScheme() == null || baseUrl.getHost() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
            throw new LlmException(LlmException.Kind.CONFIGURATION,
                    "OpenAI base URL must be an absolute http(s) URL, got " + baseUrl);
        }
        Objects.requireNonNull(defaultModel, "defaultModel");
        Objects.requireNonNull(maxTokensField, "maxTokensField");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(streamIdleTimeout, "streamIdleTimeout");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(httpClient, "httpClient");
    }

    /** A builder with every default; {@code apiKey} may be empty for servers that need no key. */
    public static Builder builder(String apiKey) {
        return new Builder(apiKey);
    }

    /** Reads {@code OPENAI_API_KEY} and {@code OPENAI_BASE_URL}. */
    public static OpenAiConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * As {@link #fromEnvironment()}, reading the given variables. The key is required for OpenAI
     * itself; a server at another base URL (a local Ollama, vLLM, llama.cpp) may need none.
     */
    public static OpenAiConfig fromEnvironment(Map<String, String> env) {
        String key = Optional.ofNullable(env.get("OPENAI_API_KEY")).map(String::trim).orElse("");
        Builder builder = builder(key);
        String base = env.get("OPENAI_BASE_URL");
        if (base != null && !base.isBlank()) {
            try {
                builder.baseUrl(new URI(base.trim()));
            } catch (URISyntaxException e) {
                throw new LlmException(LlmException.Kind.CONFIGURATION,
                        "OPENAI_BASE_URL is not a valid URL: " + base, 0, null, false, e);
            }
        }
        if (key.isEmpty() && builder.baseUrl.equals(DEFAULT_BASE_URL)) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "OPENAI_API_KEY is not set: export it, or set "
                    + "OPENAI_BASE_URL to a compatible server that needs no key (it includes /v1)");
        }
        return builder.build();
    }

    public Builder toBuilder() {
        return new Builder(apiKey).baseUrl(baseUrl).defaultModel(defaultModel).maxTokensField(maxTokensField)
                .streamUsage(streamUsage).headers(headers).connectTimeout(connectTimeout)
                .requestTimeout(requestTimeout).streamIdleTimeout(streamIdleTimeout).retryPolicy(retryPolicy)
                .sleeper(sleeper).httpClient(httpClient.orElse(null));
    }

    /** Everything but the key and header values, which may hold secrets too. */
    @Override
    public String toString() {
        return "OpenAiConfig[apiKey=" + (apiKey.isEmpty() ? "none" : "[redacted]") + ", baseUrl=" + baseUrl
                + ", defaultModel=" + defaultModel + ", maxTokensField=" + maxTokensField.wire()
                + ", streamUsage=" + streamUsage + ", headers=" + headers.keySet()
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
        private MaxTokensField maxTokensField;
        private boolean streamUsage = true;
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

        /** Null (the default) picks {@link MaxTokensField#defaultFor} the base URL. */
        public Builder maxTokensField(MaxTokensField value) {
            maxTokensField = value;
            return this;
        }

        public Builder streamUsage(boolean value) {
            streamUsage = value;
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

        public OpenAiConfig build() {
            return new OpenAiConfig(apiKey, baseUrl, defaultModel,
                    maxTokensField == null ? MaxTokensField.defaultFor(baseUrl) : maxTokensField, streamUsage,
                    headers, connectTimeout, requestTimeout, streamIdleTimeout, retryPolicy, sleeper,
                    Optional.ofNullable(httpClient));
        }
    }
}
