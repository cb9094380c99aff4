package dev.picrust.llm.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ApiKind;
import dev.picrust.llm.LlmException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The named models an agent can run on: three built-in providers ({@code anthropic}, {@code openai},
 * {@code gemini}, keys from their usual variables), then {@code models.json} in the PiCrust home,
 * then {@code .picrust/models.json} in the project folder, each layer overriding the one before.
 *
 * <pre>{@code
 * {"providers": {
 *   "local": {"baseUrl": "http://localhost:11434/v1", "api": "openai-completions",
 *             "models": [{"id": "qwen3", "contextWindow": 32768, "maxTokens": 8192,
 *                         "cost": {"input": 0, "output": 0}}]},
 *   "work":  {"baseUrl": "https://llm.example.com/v1", "api": "openai", "apiKeyEnv": "WORK_LLM_KEY",
 *             "headers": {"X-Team": "agents"}, "models": [{"id": "gpt-4.1"}]}}}
 * }</pre>
 *
 * A provider names its API ({@code anthropic-messages}, {@code openai-completions},
 * {@code google-generative-ai}, or {@code anthropic}/{@code openai}/{@code gemini}), a base URL
 * (OpenAI-compatible ones include {@code /v1}), and its key as {@code apiKey} (the key) or
 * {@code apiKeyEnv} (a variable read when the provider is used). A later layer's provider of the
 * same name overrides the fields it sets and adds or replaces models by id. Models are referred to
 * as {@code provider/model}, or by the bare id when exactly one provider lists it.
 */
public final class ModelCatalog {
    /** The file name in the PiCrust home and in a project's {@code .picrust} folder. */
    public static final String FILE_NAME = "models.json";

    /*
     * Built-in prices are the providers' published list prices per million tokens (standard tier,
     * prompts under any long-context surcharge), as of the release; a models.json entry of the same
     * id overrides them. The first model of each provider is its default.
     */
    private static final String BUILT_IN = """
            {"providers": {
              "anthropic": {"api": "anthropic-messages", "apiKeyEnv": "ANTHROPIC_API_KEY", "baseUrlEnv": "ANTHROPIC_BASE_URL",
                "models": [{"id": "claude-sonnet-4-5", "name": "Claude Sonnet 4.5", "contextWindow": 200000,
                            "maxTokens": 64000, "reasoning": true,
                            "cost": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}},
                           {"id": "claude-opus-4-5", "name": "Claude Opus 4.5", "contextWindow": 200000,
                            "maxTokens": 64000, "reasoning": true,
                            "cost": {"input": 5, "output": 25, "cacheRead": 0.5, "cacheWrite": 6.25}},
                           {"id": "claude-haiku-4-5", "name": "Claude Haiku 4.5", "contextWindow": 200000,
                            "maxTokens": 64000, "reasoning": true,
                            "cost": {"input": 1, "output": 5, "cacheRead": 0.1, "cacheWrite": 1.25}},
                           {"id": "claude-opus-4-1", "name": "Claude Opus 4.1", "contextWindow": 200000,
                            "maxTokens": 32000, "reasoning": true,
                            "cost": {"input": 15, "output": 75, "cacheRead": 1.5, "cacheWrite": 18.75}},
                           {"id": "claude-sonnet-4", "name": "Claude Sonnet 4", "contextWindow": 200000,
                            "maxTokens": 64000, "reasoning": true,
                            "cost": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}},
                           {"id": "claude-3-5-haiku", "name": "Claude Haiku 3.5", "contextWindow": 200000,
                            "maxTokens": 8192, "cost": {"input": 0.8, "output": 4, "cacheRead": 0.08, "cacheWrite": 1}}]},
              "openai": {"api": "openai-completions", "apiKeyEnv": "OPENAI_API_KEY", "baseUrlEnv": "OPENAI_BASE_URL",
                "models": [{"id": "gpt-4.1", "name": "GPT-4.1", "contextWindow": 1047576, "maxTokens": 32768,
                            "cost": {"input": 2, "output": 8, "cacheRead": 0.5}},
                           {"id": "gpt-4.1-mini", "name": "GPT-4.1 mini", "contextWindow": 1047576, "maxTokens": 32768,
                            "cost": {"input": 0.4, "output": 1.6, "cacheRead": 0.1}},
                           {"id": "gpt-4.1-nano", "name": "GPT-4.1 nano", "contextWindow": 1047576, "maxTokens": 32768,
                            "cost": {"input": 0.1, "output": 0.4, "cacheRead": 0.025}},
                           {"id": "gpt-4o", "name": "GPT-4o", "contextWindow": 128000, "maxTokens": 16384,
                            "cost": {"input": 2.5, "output": 10, "cacheRead": 1.25}},
                           {"id": "gpt-4o-mini", "name": "GPT-4o mini", "contextWindow": 128000, "maxTokens": 16384,
                            "cost": {"input": 0.15, "output": 0.6, "cacheRead": 0.075}},
                           {"id": "gpt-5", "name": "GPT-5", "contextWindow": 400000, "maxTokens": 128000, "reasoning": true,
                            "cost": {"input": 1.25, "output": 10, "cacheRead": 0.125}},
                           {"id": "gpt-5-mini", "name": "GPT-5 mini", "contextWindow": 400000, "maxTokens": 128000,
                            "reasoning": true, "cost": {"input": 0.25, "output": 2, "cacheRead": 0.025}},
                           {"id": "o3", "name": "o3", "contextWindow": 200000, "maxTokens": 100000, "reasoning": true,
                            "cost": {"input": 2, "output": 8, "cacheRead": 0.5}},
                           {"id": "o4-mini", "name": "o4-mini", "contextWindow": 200000, "maxTokens": 100000,
                            "reasoning": true, "cost": {"input": 1.1, "output": 4.4, "cacheRead": 0.275}}]},
              "gemini": {"api": "google-generative-ai", "apiKeyEnv": "GEMINI_API_KEY", "baseUrlEnv": "GEMINI_BASE_URL",
                "models": [{"id": "gemini-2.5-flash", "name": "Gemini 2.5 Flash", "contextWindow": 1048576,
                            "maxTokens": 65536, "reasoning": true, "cost": {"input": 0.3, "output": 2.5, "cacheRead": 0.075}},
                           {"id": "gemini-2.5-pro", "name": "Gemini 2.5 Pro", "contextWindow": 1048576,
                            "maxTokens": 65536, "reasoning": true, "cost": {"input": 1.25, "output": 10, "cacheRead": 0.31}},
                           {"id": "gemini-2.5-flash-lite", "name": "Gemini 2.5 Flash-Lite", "contextWindow": 1048576,
                            "maxTokens": 65536, "reasoning": true, "cost": {"input": 0.1, "output": 0.4, "cacheRead": 0.025}},
                           {"id": "gemini-2.0-flash", "name": "Gemini 2.0 Flash", "contextWindow": 1048576,
                            "maxTokens": 8192, "cost": {"input": 0.1, "output": 0.4, "cacheRead": 0.025}}]}}}
            """;

    private final Map<String, ProviderEntry> providers;

    private ModelCatalog(Map<String, ProviderEntry> providers) {
        this.providers = providers;
    }

    /** The built-in providers only (read once; the catalog is immutable). */
    public static ModelCatalog builtIn() {
        return BuiltIn.CATALOG;
    }

    private static final class BuiltIn {
        static final ModelCatalog CATALOG = new Layers().add(parse(BUILT_IN, "built-in"), Optional.empty()).build();
    }

    /**
     * Built-ins, then {@code <home>/models.json}, then {@code <project>/.picrust/models.json}; missing
     * files are skipped.
     *
     * @throws LlmException of kind {@code CONFIGURATION} naming the file and field when a file is malformed
     */
    public static ModelCatalog load(Path home, Optional<Path> project) {
        Layers layers = new Layers().add(parse(BUILT_IN, "built-in"), Optional.empty());
        List<Path> files = new ArrayList<>();
        files.add(home.resolve(FILE_NAME));
        project.ifPresent(p -> files.add(p.resolve(".picrust").resolve(FILE_NAME)));
        for (Path file : files) {
            if (Files.isRegularFile(file)) {
                String text;
                try {
                    text = Files.readString(file);
                } catch (IOException e) {
                    throw new LlmException(LlmException.Kind.CONFIGURATION, "cannot read " + file + ": " + e.getMessage(),
                            0, null, false, e);
                }
                layers.add(parse(text, file.toString()), Optional.of(file.toAbsolutePath().normalize()));
            }
        }
        return layers.build();
    }

    /** Every provider, in the order first configured. */
    public List<ProviderEntry> providers() {
        return List.copyOf(providers.values());
    }

    public Optional<ProviderEntry> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    /** Every listed model. */
    public List<ModelChoice> models() {
        List<ModelChoice> all = new ArrayList<>();
        providers.values().forEach(p -> p.models().forEach(m -> all.add(new ModelChoice(p, m))));
        return all;
    }

    /**
     * The model a reference names: {@code provider/model} (a model the provider does not list is
     * taken with unknown limits), or a bare id listed by exactly one provider. Empty when nothing
     * matches.
     *
     * @throws LlmException of kind {@code CONFIGURATION} when a bare id is listed by several providers
     */
    public Optional<ModelChoice> resolve(String ref) {
        int slash = ref.indexOf('/');
        if (slash > 0) {
            ProviderEntry provider = providers.get(ref.substring(0, slash));
            if (provider != null) {
                String id = ref.substring(slash + 1);
                return Optional.of(new ModelChoice(provider, provider.model(id).orElseGet(() -> ModelSpec.of(id))));
            }
        }
        List<ModelChoice> matches = models().stream().filter(c -> c.model().id().equals(ref)).toList();
        if (matches.size() > 1) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "model '" + ref + "' is listed by several providers ("
                    + matches.stream().map(ModelChoice::ref).toList() + "); name one as provider/model");
        }
        return matches.stream().findFirst();
    }

    /**
     * The prices of the model a call names: a {@link #resolve reference} ({@code provider/model} or a
     * bare id), else the listed model whose id is the longest prefix of {@code model} followed by
     * {@code -} or {@code @}, as providers answer with dated names ({@code claude-sonnet-4-5-20250929},
     * {@code gpt-4.1-2025-04-14}). Among several providers listing the same id, the first priced one
     * wins. Empty when nothing listed has a price.
     */
    public Optional<ModelCost> price(String model) {
        ModelSpec best = null;
        for (ProviderEntry provider : providers.values()) {
            for (ModelSpec spec : provider.models()) {
                if (spec.cost().isEmpty()) {
                    continue;
                }
                String id = spec.id();
                boolean exact = model.equals(id) || model.equals(provider.name() + "/" + id);
                if (exact) {
                    return spec.cost();
                }
                boolean dated = model.length() > id.length() && model.startsWith(id)
                        && (model.charAt(id.length()) == '-' || model.charAt(id.length()) == '@');
                if (dated && (best == null || id.length() > best.id().length())) {
                    best = spec;
                }
            }
        }
        return best == null ? Optional.empty() : best.cost();
    }

    // ---- reading

    private static ObjectNode parse(String text, String source) {
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (JsonProcessingException e) {
            throw invalid(source, "not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, "must be a JSON object with \"providers\"");
        }
        JsonNode providers = root.path("providers");
        if (!providers.isObject()) {
            throw invalid(source, "\"providers\" must be an object of provider name to settings");
        }
        return (ObjectNode) providers;
    }

    private static LlmException invalid(String source, String problem) {
        return new LlmException(LlmException.Kind.CONFIGURATION, "invalid " + source + ": " + problem);
    }

    /** Provider settings merged layer by layer, as JSON, then checked and read once at the end. */
    private static final class Layers {
        private final Map<String, ObjectNode> merged = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final Map<String, Optional<Path>> files = new LinkedHashMap<>();

        Layers add(ObjectNode providers, Optional<Path> file) {
            String source = file.map(Path::toString).orElse("built-in");
            for (Map.Entry<String, JsonNode> entry : providers.properties()) {
                String name = entry.getKey();
                if (name.isBlank() || name.contains("/")) {
                    throw invalid(source, "provider name '" + name + "' must be non-empty and contain no '/'");
                }
                if (!entry.getValue().isObject()) {
                    throw invalid(source, "providers." + name + " must be an object");
                }
                ObjectNode layer = (ObjectNode) entry.getValue();
                ObjectNode base = merged.computeIfAbsent(name, n -> Json.object());
                for (Map.Entry<String, JsonNode> field : layer.properties()) {
                    if (field.getKey().equals("models")) {
                        base.set("models", mergeModels(base.path("models"), field.getValue(), source, name));
                    } else {
                        base.set(field.getKey(), field.getValue().deepCopy());
                    }
                }
                if (layer.has("apiKey")) {
                    base.remove("apiKeyEnv");
                } else if (layer.has("apiKeyEnv")) {
                    base.remove("apiKey");
                }
                if (layer.has("baseUrl")) {
                    // A base URL written in a file wins over the built-in variable.
                    base.remove("baseUrlEnv");
                }
                sources.put(name, source);
                files.put(name, file);
            }
            return this;
        }

        ModelCatalog build() {
            Map<String, ProviderEntry> entries = new LinkedHashMap<>();
            merged.forEach((name, node) -> entries.put(name, entry(name, node, sources.get(name), files.get(name))));
            return new ModelCatalog(entries);
        }

        private static ArrayNode mergeModels(JsonNode earlier, JsonNode later, String source, String provider) {
            if (!later.isArray()) {
                throw invalid(source, "providers." + provider + ".models must be an array");
            }
            Map<String, JsonNode> byId = new LinkedHashMap<>();
            for (JsonNode model : earlier) {
                byId.put(model.path("id").asText(), model);
            }
            for (JsonNode model : later) {
                if (!model.path("id").isTextual() || model.path("id").asText().isBlank()) {
                    throw invalid(source, "every model of providers." + provider + " needs an \"id\"");
                }
                byId.put(model.path("id").asText(), model.deepCopy());
            }
            ArrayNode out = Json.array();
            byId.values().forEach(out::add);
            return out;
        }

        private static ProviderEntry entry(String name, ObjectNode node, String source, Optional<Path> file) {
            String where = "providers." + name;
            String apiName = node.path("api").asText("");
            ApiKind api = ApiKind.parse(apiName).orElseThrow(() -> invalid(source, where + ".api '" + apiName
                    + "' is not one of " + ApiKind.names()));
            Optional<URI> baseUrl = text(node, "baseUrl").map(u -> uri(u, source, where));
            List<ModelSpec> models = new ArrayList<>();
            for (JsonNode model : node.path("models")) {
                models.add(model(model, source, where));
            }
            Map<String, String> headers = new LinkedHashMap<>();
            node.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
            return new ProviderEntry(name, api, baseUrl, text(node, "baseUrlEnv"), text(node, "apiKey"),
                    text(node, "apiKeyEnv"), headers, models, file);
        }

        private static ModelSpec model(JsonNode node, String source, String where) {
            String id = node.path("id").asText();
            JsonNode cost = node.path("cost");
            Optional<ModelCost> prices = cost.isObject()
                    ? Optional.of(new ModelCost(cost.path("input").asDouble(0), cost.path("output").asDouble(0),
                            cost.path("cacheRead").asDouble(0), cost.path("cacheWrite").asDouble(0)))
                    : Optional.empty();
            return new ModelSpec(id, node.path("name").asText(id), positive(node, "contextWindow", source, where),
                    positive(node, "maxTokens", source, where), prices, node.path("reasoning").asBoolean(false));
        }

        private static OptionalInt positive(JsonNode node, String field, String source, String where) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return OptionalInt.empty();
            }
            if (!value.canConvertToInt() || value.asInt() <= 0) {
                throw invalid(source, where + " model " + node.path("id").asText() + ": " + field
                        + " must be a positive integer");
            }
            return OptionalInt.of(value.asInt());
        }

        private static Optional<String> text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText().trim())
                    : Optional.empty();
        }

        private static URI uri(String value, String source, String where) {
            try {
                URI uri = new URI(value);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw invalid(source, where + ".baseUrl must be an absolute http(s) URL, got " + value);
                }
                return uri;
            } catch (URISyntaxException e) {
                throw invalid(source, where + ".baseUrl is not a URL: " + value);
            }
        }
    }
}
