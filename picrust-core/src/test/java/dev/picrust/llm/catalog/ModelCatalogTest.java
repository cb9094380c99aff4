package dev.picrust.llm.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.Usage;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.llm.gemini.GeminiProvider;
import dev.picrust.llm.openai.OpenAiProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {
    @TempDir Path home;
    @TempDir Path project;

    private void write(Path dir, String json) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("models.json"), json);
    }

    @Test
    void localModelResolvesAndBuildsAnOpenAiProviderWithoutAKey() throws Exception {
        write(home, """
                {"providers": {"local": {"baseUrl": "http://localhost:11434/v1", "api": "openai-completions",
                  "models": [{"id": "qwen3", "name": "Qwen 3", "contextWindow": 32768, "maxTokens": 8192,
                              "cost": {"input": 0.1, "output": 0.4}}]}}}""");
        ModelCatalog catalog = ModelCatalog.load(home, Optional.of(project));

        ModelChoice choice = catalog.resolve("local/qwen3").orElseThrow();
        assertThat(choice.ref()).isEqualTo("local/qwen3");
        assertThat(choice.model().contextWindow()).hasValue(32768);
        assertThat(choice.model().maxTokens()).hasValue(8192);
        assertThat(choice.model().cost().orElseThrow().dollars(new Usage(1_000_000, 500_000, 0, 0))).isEqualTo(0.3);
        assertThat(catalog.resolve("qwen3")).contains(choice);
        LlmProvider provider = choice.createProvider(Map.of());
        assertThat(provider).isInstanceOfSatisfying(OpenAiProvider.class, p -> {
            assertThat(p.config().baseUrl()).isEqualTo(URI.create("http://localhost:11434/v1"));
            assertThat(p.config().apiKey()).isEmpty();
            assertThat(p.defaultModel()).isEqualTo("qwen3");
        });
        assertThat(catalog.provider("local").orElseThrow().source()).hasValue(home.resolve("models.json"));
    }

    @Test
    void pricesAreFoundByIdByReferenceAndByDatedName() {
        ModelCatalog catalog = ModelCatalog.builtIn();
        assertThat(catalog.price("claude-sonnet-4-5")).hasValue(new ModelCost(3, 15, 0.3, 3.75));
        assertThat(catalog.price("anthropic/claude-sonnet-4-5")).hasValue(new ModelCost(3, 15, 0.3, 3.75));
        assertThat(catalog.price("claude-sonnet-4-5-20250929")).hasValue(new ModelCost(3, 15, 0.3, 3.75));
        assertThat(catalog.price("claude-sonnet-4-20250514")).hasValue(new ModelCost(3, 15, 0.3, 3.75));
        assertThat(catalog.price("gpt-4o-mini-2024-07-18")).as("the longest listed prefix wins")
                .hasValue(new ModelCost(0.15, 0.6, 0.075, 0));
        assertThat(catalog.price("gpt-4.1-mini")).hasValue(new ModelCost(0.4, 1.6, 0.1, 0));
        assertThat(catalog.price("gemini-2.5-pro")).isPresent();
        assertThat(catalog.price("gpt-4.1x")).isEmpty();
        assertThat(catalog.price("qwen3")).isEmpty();
    }

    @Test
    void builtInsReadKeysAndBaseUrlsFromTheirVariables() {
        ModelCatalog catalog = ModelCatalog.builtIn();
        assertThat(catalog.providers()).extracting(ProviderEntry::name).containsExactly("anthropic", "openai", "gemini");
        LlmProvider gemini = catalog.resolve("gemini/gemini-2.5-pro").orElseThrow()
                .createProvider(Map.of("GEMINI_API_KEY", "g-key", "GEMINI_BASE_URL", "http://127.0.0.1:9/v1beta"));
        assertThat(gemini).isInstanceOfSatisfying(GeminiProvider.class,
                p -> assertThat(p.config().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9/v1beta")));
        assertThat(catalog.resolve("claude-sonnet-4-5").orElseThrow().createProvider(Map.of("ANTHROPIC_API_KEY", "k")))
                .isInstanceOf(AnthropicProvider.class);
        assertThatThrownBy(() -> catalog.resolve("anthropic/claude-x").orElseThrow().createProvider(Map.of()))
                .isInstanceOf(LlmException.class).hasMessageContaining("ANTHROPIC_API_KEY is not set");
        assertThat(catalog.resolve("no-such-model")).isEmpty();
    }

    @Test
    void projectOverridesHomeFieldByFieldAndModelByModel() throws Exception {
        write(home, """
                {"providers": {"work": {"baseUrl": "https://a.example/v1", "api": "openai", "apiKeyEnv": "WORK_KEY",
                  "models": [{"id": "m1", "maxTokens": 1000}, {"id": "m2"}]}}}""");
        write(project.resolve(".picrust"), """
                {"providers": {"work": {"baseUrl": "https://b.example/v1", "models": [{"id": "m1", "maxTokens": 2000}]},
                               "openai": {"baseUrl": "http://127.0.0.1:8000/v1"}}}""");
        ModelCatalog catalog = ModelCatalog.load(home, Optional.of(project));
        ProviderEntry work = catalog.provider("work").orElseThrow();
        assertThat(work.baseUrl()).hasValue(URI.create("https://b.example/v1"));
        assertThat(work.apiKeyEnv()).hasValue("WORK_KEY");
        assertThat(work.models()).extracting(ModelSpec::id).containsExactly("m1", "m2");
        assertThat(work.model("m1").orElseThrow().maxTokens()).hasValue(2000);
        ProviderEntry openai = catalog.provider("openai").orElseThrow();
        assertThat(openai.baseUrl()).hasValue(URI.create("http://127.0.0.1:8000/v1"));
        assertThat(openai.baseUrlEnv()).as("a URL in a file wins over the variable").isEmpty();
        assertThat(openai.models()).extracting(ModelSpec::id).contains("gpt-4.1");
    }

    @Test
    void ambiguousBareIdIsAClearError() throws Exception {
        write(home, """
                {"providers": {"a": {"api": "openai", "baseUrl": "http://a/v1", "models": [{"id": "same"}]},
                               "b": {"api": "openai", "baseUrl": "http://b/v1", "models": [{"id": "same"}]}}}""");
        ModelCatalog catalog = ModelCatalog.load(home, Optional.empty());
        assertThatThrownBy(() -> catalog.resolve("same")).isInstanceOf(LlmException.class)
                .hasMessageContaining("a/same").hasMessageContaining("b/same");
        assertThat(catalog.resolve("b/same").orElseThrow().provider().name()).isEqualTo("b");
    }

    @Test
    void malformedFilesNameTheFileAndTheField() throws Exception {
        write(home, "{\"providers\": {\"x\": {\"api\": \"cohere\"}}}");
        assertThatThrownBy(() -> ModelCatalog.load(home, Optional.empty())).isInstanceOf(LlmException.class)
                .hasMessageContaining(home.resolve("models.json").toString())
                .hasMessageContaining("providers.x.api 'cohere'").hasMessageContaining("openai-completions");
        write(home, "{\"providers\": {\"x\": {\"api\": \"openai\", \"models\": [{\"id\": \"m\", \"maxTokens\": -5}]}}}");
        assertThatThrownBy(() -> ModelCatalog.load(home, Optional.empty()))
                .hasMessageContaining("maxTokens must be a positive integer");
        write(home, "not json");
        assertThatThrownBy(() -> ModelCatalog.load(home, Optional.empty())).hasMessageContaining("not JSON");
    }

    @Test
    void literalKeysNeverShowInToString() throws Exception {
        write(home, "{\"providers\": {\"x\": {\"api\": \"gemini\", \"apiKey\": \"AIza-SECRET-LITERAL\", \"models\": []}}}");
        ProviderEntry entry = ModelCatalog.load(home, Optional.empty()).provider("x").orElseThrow();
        assertThat(entry.toString()).doesNotContain("AIza-SECRET-LITERAL");
        assertThat(new ModelChoice(entry, ModelSpec.of("gemini-2.5-pro")).createProvider(Map.of()))
                .isInstanceOf(GeminiProvider.class);
    }
}
