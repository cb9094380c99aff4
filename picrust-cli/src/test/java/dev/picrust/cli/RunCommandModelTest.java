package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.agent.AgentConfig;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.llm.openai.OpenAiProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /model NAME} in chat: a catalog model brings its provider, any other name keeps the provider. */
class RunCommandModelTest {
    @TempDir Path project;

    @Test
    void catalogModelSwitchesProviderAndPlainNameKeepsIt() throws Exception {
        Files.createDirectories(project.resolve(".picrust"));
        Files.writeString(project.resolve(".picrust/models.json"), """
                {"providers": {"local": {"baseUrl": "http://127.0.0.1:9/v1", "api": "openai-completions",
                  "models": [{"id": "qwen3"}]}}}""");
        AgentConfig start = AgentConfig.builder(ProviderFactory.anthropic("http://127.0.0.1:9", "sk-ant-x"))
                .model("claude-a").workingDirectory(project).build();

        RunCommand.Switched switched = RunCommand.withModel(start, "local/qwen3", HttpSettings.DEFAULTS);
        AgentConfig local = switched.config();
        assertThat(switched.catalogProvider()).hasValue("local");
        assertThat(local.provider()).isInstanceOf(OpenAiProvider.class);
        assertThat(local.model()).isEqualTo("qwen3");
        assertThat(local.tools()).isSameAs(start.tools());
        assertThat(RunCommand.withModel(start, "qwen3", HttpSettings.DEFAULTS).config().provider()).isInstanceOf(OpenAiProvider.class);

        AgentConfig other = RunCommand.withModel(start, "claude-b", HttpSettings.DEFAULTS).config();
        assertThat(other.provider()).isSameAs(start.provider()).isInstanceOf(AnthropicProvider.class);
        assertThat(other.model()).isEqualTo("claude-b");

        assertThatThrownBy(() -> RunCommand.withModel(start, "nowhere/x", HttpSettings.DEFAULTS)).isInstanceOf(CliException.class)
                .hasMessageContaining("unknown provider");
    }
}
