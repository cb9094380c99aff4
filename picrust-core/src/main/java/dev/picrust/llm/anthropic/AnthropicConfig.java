package dev.picrust.llm.anthropic;

import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.wire.BaseUrl;
import dev.picrust.secret.Redactor;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of an {@link AnthropicProvider}. The API key never appears in {@link #toString()}.
 *
 * @param apiKey            sent as {@code x-api-key}
 * @param baseUrl           scheme, host and optional path prefix; {@code /v1/messages} is appended
 * @param version           the {@code anthropic-version} header
 * @param betas             joined with commas into one {@code anthropic-beta} header; none sent when empty
 * @param defaultModel      used when a request's model is blank
 * @param http              deadlines, retries and transport, the same for every provider ({@link HttpSettings})
 */
public record AnthropicConfig(String apiKey, URI baseUrl, String version, List<String> betas, String defaultModel,
                              HttpSettings http) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://api.anthropic.com");
    public static final String DEFAULT_VERSION = "2023-06-01";
    public static final String DEFAULT_MODEL = "claude-sonnet-4-5";

    public AnthropicConfig {
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isBlank()) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "Anthropic API key is empty");
        }
        Redactor.shared().register(apiKey);  // whatever its shape, this key is hidden from every output
        BaseUrl.require(Objects.requireNonNull(baseUrl, "baseUrl"), "Anthropic");
        Objects.requireNonNull(version, "version");
        betas = List.copyOf(betas);
        Objects.requireNonNull(defaultModel, "defaultModel");
        Objects.requireNonNull(http, "http");
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
        BaseUrl.fromEnvironment(env, "ANTHROPIC_BASE_URL").ifPresent(builder::baseUrl);
        return builder.build();
    }

    public Builder toBuilder() {
        return new Builder(apiKey).baseUrl(baseUrl).version(version).betas(betas).defaultModel(defaultModel)
                .http(http);
    }

    /** Everything but the key, which shows only as {@code [redacted]}. */
    @Override
    public String toString() {
        return "AnthropicConfig[apiKey=[redacted], baseUrl=" + baseUrl + ", version=" + version + ", betas=" + betas
                + ", defaultModel=" + defaultModel + ", http=" + http + "]";
    }


    /** Many optional settings, so a builder; every one has a default. */
    public static final class Builder {
        private final String apiKey;
        private URI baseUrl = DEFAULT_BASE_URL;
        private String version = DEFAULT_VERSION;
        private List<String> betas = List.of();
        private String defaultModel = DEFAULT_MODEL;
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

        /** Deadlines, retries and transport ({@link HttpSettings#DEFAULTS} unless set). */
        public Builder http(HttpSettings value) {
            http = value;
            return this;
        }

        public AnthropicConfig build() {
            return new AnthropicConfig(apiKey, baseUrl, version, betas, defaultModel, http);
        }
    }
}
