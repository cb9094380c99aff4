package dev.picrust.cli;

import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.llm.catalog.ModelCatalog;
import dev.picrust.llm.catalog.ModelChoice;
import dev.picrust.llm.catalog.ModelSpec;
import dev.picrust.llm.catalog.ProviderEntry;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.builtin.BuiltinTools;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Builds the provider and tools a CLI run asks for, turning configuration gaps into one-line errors. */
final class ProviderFactory {
    private ProviderFactory() {}

    /** The provider to run on and the model to ask for. */
    record Selection(LlmProvider provider, ModelChoice choice) {
        String model() {
            return choice.model().id();
        }
    }

    /** The catalog of the PiCrust home and the project folder; a malformed file is a one-line error. */
    static ModelCatalog catalog(Path project) {
        try {
            return ModelCatalog.load(SessionStore.home(), Optional.of(project));
        } catch (LlmException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * What {@code --provider}, {@code --model} and {@code --base-url} select: the named provider
     * (built-in or from models.json) with the model given or its first listed one; else the provider
     * a {@code provider/model} or listed bare model id belongs to; else Anthropic.
     */
    static Selection select(ModelCatalog catalog, Optional<String> providerName, Optional<String> model,
                            Optional<String> baseUrl, Map<String, String> env, HttpSettings http) {
        ModelChoice choice;
        try {
            if (providerName.isPresent()) {
                String name = providerName.get().toLowerCase();
                ProviderEntry entry = catalog.provider(name).orElseThrow(() -> new CliException("unknown provider '"
                        + providerName.get() + "' (available: " + names(catalog) + "; more in models.json)"));
                String id = model.map(m -> m.startsWith(name + "/") ? m.substring(name.length() + 1) : m)
                        .or(() -> entry.models().stream().findFirst().map(ModelSpec::id))
                        .orElseThrow(() -> new CliException("provider '" + name + "' lists no models: pass --model"));
                choice = new ModelChoice(entry, entry.model(id).orElseGet(() -> ModelSpec.of(id)));
            } else if (model.isPresent()) {
                Optional<ModelChoice> found = catalog.resolve(model.get());
                if (found.isEmpty() && model.get().contains("/")) {
                    throw new CliException("unknown provider in --model '" + model.get() + "' (available: "
                            + names(catalog) + "; more in models.json)");
                }
                ProviderEntry anthropic = catalog.provider("anthropic").orElseThrow();
                choice = found.orElseGet(() -> new ModelChoice(anthropic, anthropic.model(model.get())
                        .orElseGet(() -> ModelSpec.of(model.get()))));
            } else {
                ProviderEntry anthropic = catalog.provider("anthropic").orElseThrow();
                choice = new ModelChoice(anthropic, anthropic.models().getFirst());
            }
            if (baseUrl.isPresent()) {
                choice = new ModelChoice(choice.provider().withBaseUrl(URI.create(baseUrl.get())), choice.model());
            }
            return new Selection(choice.createProvider(env, http), choice);
        } catch (LlmException e) {
            throw new CliException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid provider configuration: " + e.getMessage());
        }
    }

    private static String names(ModelCatalog catalog) {
        return String.join(", ", catalog.providers().stream().map(ProviderEntry::name).toList());
    }

    static LlmProvider anthropic(String baseUrl, String apiKey) {
        return new AnthropicProvider(AnthropicConfig.builder(apiKey).baseUrl(baseUrl).build());
    }

    static ToolRegistry defaultTools() {
        return new ToolRegistry().registerAll(BuiltinTools.all());
    }
}
