package dev.picrust.llm.catalog;

import dev.picrust.llm.ApiKind;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider as configured: which API it speaks, where, with which key, and its models.
 *
 * @param name       the name models are referred to by ({@code local} in {@code local/qwen3})
 * @param api        the wire protocol
 * @param baseUrl    where it is (for OpenAI-compatible servers including {@code /v1}); empty for the API's default
 * @param baseUrlEnv a variable that, when set, gives the base URL instead (the built-in providers use
 *                   {@code ANTHROPIC_BASE_URL}, {@code OPENAI_BASE_URL}, {@code GEMINI_BASE_URL})
 * @param apiKey     the key itself, when written in the file
 * @param apiKeyEnv  the variable holding the key, read when the provider is used
 * @param headers    further request headers
 * @param models     the models it offers
 * @param source     the file it was read from; empty for a built-in provider
 */
public record ProviderEntry(String name, ApiKind api, Optional<URI> baseUrl, Optional<String> baseUrlEnv,
                            Optional<String> apiKey, Optional<String> apiKeyEnv, Map<String, String> headers,
                            List<ModelSpec> models, Optional<Path> source) {
    public ProviderEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(baseUrlEnv, "baseUrlEnv");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(apiKeyEnv, "apiKeyEnv");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        models = List.copyOf(models);
        Objects.requireNonNull(source, "source");
    }

    /** The model with this id, if listed. */
    public Optional<ModelSpec> model(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** This provider at another base URL (a command-line override, say). */
    public ProviderEntry withBaseUrl(URI url) {
        return new ProviderEntry(name, api, Optional.of(url), Optional.empty(), apiKey, apiKeyEnv, headers, models,
                source);
    }

    /** Never shows the key or header values. */
    @Override
    public String toString() {
        return "ProviderEntry[name=" + name + ", api=" + api.wire() + ", baseUrl=" + baseUrl + ", baseUrlEnv="
                + baseUrlEnv + ", apiKey=" + (apiKey.isPresent() ? "[redacted]" : "none") + ", apiKeyEnv=" + apiKeyEnv
                + ", headers=" + headers.keySet() + ", models=" + models.stream().map(ModelSpec::id).toList()
                + ", source=" + source + "]";
    }
}
