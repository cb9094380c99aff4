package dev.picrust.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicConfigTest {
    private static final String KEY = "sk-ant-api03-SECRET-do-not-leak";

    @Test
    void environmentSuppliesKeyAndBaseUrl() {
        AnthropicConfig config = AnthropicConfig.fromEnvironment(
                Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", "http://127.0.0.1:9999/proxy"));
        assertThat(config.apiKey()).isEqualTo(KEY);
        assertThat(config.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9999/proxy"));
        assertThat(AnthropicConfig.fromEnvironment(Map.of("ANTHROPIC_API_KEY", KEY)).baseUrl())
                .isEqualTo(AnthropicConfig.DEFAULT_BASE_URL);
    }

    @Test
    void missingKeyIsAClearConfigurationError() {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("ANTHROPIC_API_KEY", "  "))) {
            assertThatThrownBy(() -> AnthropicConfig.fromEnvironment(env))
                    .isInstanceOfSatisfying(LlmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LlmException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).contains("ANTHROPIC_API_KEY");
                    });
        }
    }

    @Test
    void badBaseUrlIsAConfigurationError() {
        for (String url : List.of("not a url", "ftp://example.com", "/relative")) {
            assertThatThrownBy(() -> AnthropicConfig.fromEnvironment(Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", url)))
                    .isInstanceOfSatisfying(LlmException.class,
                            e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.CONFIGURATION));
        }
    }

    @Test
    void defaults() {
        AnthropicConfig config = AnthropicConfig.builder(KEY).build();
        assertThat(config.version()).isEqualTo("2023-06-01");
        assertThat(config.betas()).isEmpty();
        assertThat(config.http()).isEqualTo(HttpSettings.DEFAULTS);
        assertThat(config.http().retryPolicy().maxRetries()).isEqualTo(4);
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void toStringNeverShowsTheKey() {
        AnthropicConfig config = AnthropicConfig.builder(KEY).betas(List.of("b1")).build();
        assertThat(config.toString()).doesNotContain(KEY).doesNotContain("SECRET").contains("[redacted]", "b1");
        assertThat(new AnthropicProvider(config).toString()).doesNotContain(KEY);
    }
}
