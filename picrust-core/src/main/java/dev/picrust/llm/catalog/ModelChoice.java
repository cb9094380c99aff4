package dev.picrust.llm.catalog;

import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.llm.gemini.GeminiConfig;
import dev.picrust.llm.gemini.GeminiProvider;
import dev.picrust.llm.openai.OpenAiConfig;
import dev.picrust.llm.openai.OpenAiProvider;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A model picked from a {@link ModelCatalog}: the provider entry and the model. */
public record ModelChoice(ProviderEntry provider, ModelSpec model) {
    public ModelChoice {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
    }

    /** {@code provider/model}, the form {@code --model} takes. */
    public String ref() {
        return provider.name() + "/" + model.id();
    }

    /**
     * A provider for this model, its key and base URL read from {@code env} where the entry names
     * variables. The key itself is never part of an error message.
     *
     * @throws LlmException of kind {@code CONFIGURATION} when a needed key is missing or a URL is bad
     */
    public LlmProvider createProvider(Map<String, String> env) {
        return createProvider(env, HttpSettings.DEFAULTS);
    }

    /** As {@link #createProvider(Map)}, with these deadlines, retries and transport. */
    public LlmProvider createProvider(Map<String, String> env, HttpSettings http) {
        Optional<String> key = apiKey(env);
        Optional<URI> base = baseUrl(env);
        return switch (provider.api()) {
            case ANTHROPIC_MESSAGES -> {
                AnthropicConfig.Builder config = AnthropicConfig.builder(key.orElseThrow(() -> missingKey()))
                        .defaultModel(model.id()).http(http);
                base.ifPresent(config::baseUrl);
                yield new AnthropicProvider(config.build());
            }
            case OPENAI_COMPLETIONS -> {
                URI url = base.orElse(OpenAiConfig.DEFAULT_BASE_URL);
                if (key.isEmpty() && url.equals(OpenAiConfig.DEFAULT_BASE_URL)) {
                    throw missingKey();
                }
                yield new OpenAiProvider(OpenAiConfig.builder(key.orElse("")).baseUrl(url).defaultModel(model.id())
                        .headers(provider.headers()).http(http).build());
            }
            case GOOGLE_GENERATIVE_AI -> {
                GeminiConfig.Builder config = GeminiConfig.builder(key.orElseThrow(() -> missingKey()))
                        .defaultModel(model.id()).headers(provider.headers()).http(http);
                base.ifPresent(config::baseUrl);
                yield new GeminiProvider(config.build());
            }
        };
    }

    private Optional<String> apiKey(Map<String, String> env) {
        if (provider.apiKey().isPresent()) {
            return provider.apiKey();
        }
        return provider.apiKeyEnv().map(env::get).map(String::trim).filter(k -> !k.isEmpty());
    }

    private Optional<URI> baseUrl(Map<String, String> env) {
        Optional<String> fromEnv = provider.baseUrlEnv().map(env::get).map(String::trim).filter(u -> !u.isEmpty());
        if (fromEnv.isPresent()) {
            try {
                return Optional.of(new URI(fromEnv.get()));
            } catch (java.net.URISyntaxException e) {
                throw new LlmException(LlmException.Kind.CONFIGURATION, provider.baseUrlEnv().get()
                        + " is not a valid URL: " + fromEnv.get(), 0, null, false, e);
            }
        }
        return provider.baseUrl();
    }

    private LlmException missingKey() {
        String where = provider.apiKeyEnv().map(v -> v + " is not set: export it")
                .orElse("provider '" + provider.name() + "' has no apiKey or apiKeyEnv");
        return new LlmException(LlmException.Kind.CONFIGURATION, "no API key for " + ref() + ": " + where
                + provider.source().map(s -> " (configured in " + s + ")").orElse(""));
    }
}
