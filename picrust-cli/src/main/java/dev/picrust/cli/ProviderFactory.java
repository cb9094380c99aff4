package dev.picrust.cli;

import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.builtin.BuiltinTools;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Builds the provider and tools a CLI run asks for, turning configuration gaps into one-line errors. */
final class ProviderFactory {
    private ProviderFactory() {}

    static LlmProvider create(String name, Optional<String> baseUrl, Optional<String> model) {
        return switch (name.toLowerCase()) {
            case "anthropic" -> {
                Map<String, String> env = new HashMap<>(System.getenv());
                baseUrl.ifPresent(url -> env.put("ANTHROPIC_BASE_URL", url));
                try {
                    AnthropicConfig.Builder config = AnthropicConfig.fromEnvironment(env).toBuilder();
                    model.ifPresent(config::defaultModel);
                    yield new AnthropicProvider(config.build());
                } catch (LlmException e) {
                    throw new CliException(e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw new CliException("invalid provider configuration: " + e.getMessage());
                }
            }
            default -> throw new CliException("unknown provider '" + name + "' (available: anthropic)");
        };
    }

    static LlmProvider anthropic(String baseUrl, String apiKey) {
        return new AnthropicProvider(AnthropicConfig.builder(apiKey).baseUrl(baseUrl).build());
    }

    static ToolRegistry defaultTools() {
        return new ToolRegistry().registerAll(BuiltinTools.all());
    }
}
