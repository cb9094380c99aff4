package dev.picrust.llm.gemini;

import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.wire.BaseUrl;
import java.net.URI;
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
 * @param http              deadlines, retries and transport, the same for every provider ({@link HttpSettings})
 */
public record GeminiConfig(String apiKey, URI baseUrl, String defaultModel, Map<String, String> headers,
                           HttpSettings http) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://generativelanguage.googleapis.com/v1beta");
    public static final String DEFAULT_MODEL = "gemini-2.5-flash";

    public GeminiConfig {
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isBlank()) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "Gemini API key is empty");
        }
        BaseUrl.require(Objects.requireNonNull(baseUrl, "baseUrl"), "Gemini");
        Objects.requireNonNull(defaultModel, "defaultModel");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        Objects.requireNonNull(http, "http");
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
        BaseUrl.fromEnvironment(env, "GEMINI_BASE_URL").ifPresent(builder::baseUrl);
        return builder.build();
    }

    public Builder toBuilder() {
        return new Builder(apiKey).baseUrl(baseUrl).defaultModel(defaultModel).headers(headers).http(http);
    }

    /** Everything but the key and header values, which may hold secrets too. */
    @Override
    public String toString() {
        return "GeminiConfig[apiKey=[redacted], baseUrl=" + baseUrl
                + ", defaultModel=" + defaultModel + ", headers=" + headers.keySet()
                + ", http=" + http + "]";
    }


    /** Many optional settings, so a builder; every one has a default. */
    public static final class Builder {
        private final String apiKey;
        private URI baseUrl = DEFAULT_BASE_URL;
        private String defaultModel = DEFAULT_MODEL;
        private Map<String, String> headers = Map.of();
        private HttpSettings http = HttpSettings.DEFAULTS;

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

        /** Deadlines, retries and transport ({@link HttpSettings#DEFAULTS} unless set). */
        public Builder http(HttpSettings value) {
            http = value;
            return this;
        }

        public GeminiConfig build() {
            return new GeminiConfig(apiKey, baseUrl, defaultModel, headers, http);
        }
    }
}
