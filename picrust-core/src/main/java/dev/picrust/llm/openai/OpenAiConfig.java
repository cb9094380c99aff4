package dev.picrust.llm.openai;

import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.wire.BaseUrl;
import java.net.URI;
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
 * @param http              deadlines, retries and transport, the same for every provider ({@link HttpSettings})
 */
public record OpenAiConfig(String apiKey, URI baseUrl, String defaultModel, MaxTokensField maxTokensField,
                           boolean streamUsage, Map<String, String> headers, HttpSettings http) {

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
        BaseUrl.require(Objects.requireNonNull(baseUrl, "baseUrl"), "OpenAI");
        Objects.requireNonNull(defaultModel, "defaultModel");
        Objects.requireNonNull(maxTokensField, "maxTokensField");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        Objects.requireNonNull(http, "http");
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
        BaseUrl.fromEnvironment(env, "OPENAI_BASE_URL").ifPresent(builder::baseUrl);
        if (key.isEmpty() && builder.baseUrl.equals(DEFAULT_BASE_URL)) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "OPENAI_API_KEY is not set: export it, or set "
                    + "OPENAI_BASE_URL to a compatible server that needs no key (it includes /v1)");
        }
        return builder.build();
    }

    public Builder toBuilder() {
        return new Builder(apiKey).baseUrl(baseUrl).defaultModel(defaultModel).maxTokensField(maxTokensField)
                .streamUsage(streamUsage).headers(headers).http(http);
    }

    /** Everything but the key and header values, which may hold secrets too. */
    @Override
    public String toString() {
        return "OpenAiConfig[apiKey=" + (apiKey.isEmpty() ? "none" : "[redacted]") + ", baseUrl=" + baseUrl
                + ", defaultModel=" + defaultModel + ", maxTokensField=" + maxTokensField.wire()
                + ", streamUsage=" + streamUsage + ", headers=" + headers.keySet()
                + ", http=" + http + "]";
    }


    /** Many optional settings, so a builder; every one has a default. */
    public static final class Builder {
        private final String apiKey;
        private URI baseUrl = DEFAULT_BASE_URL;
        private String defaultModel = DEFAULT_MODEL;
        private MaxTokensField maxTokensField;
        private boolean streamUsage = true;
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

        /** Deadlines, retries and transport ({@link HttpSettings#DEFAULTS} unless set). */
        public Builder http(HttpSettings value) {
            http = value;
            return this;
        }

        public OpenAiConfig build() {
            return new OpenAiConfig(apiKey, baseUrl, defaultModel,
                    maxTokensField == null ? MaxTokensField.defaultFor(baseUrl) : maxTokensField, streamUsage,
                    headers, http);
        }
    }
}
