package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FixtureFilesTest {

    @Test
    void findsTheSharedLlmFixtures() {
        assertThat(FixtureFiles.llmDir()).isDirectory().endsWith(Path.of("shared", "fixtures", "llm"));
        assertThat(Files.isRegularFile(FixtureFiles.llm("anthropic-sse-text-then-tool-use.sse"))).isTrue();
    }

    @Test
    void aMissingFixtureFailsWithItsName() {
        assertThatThrownBy(() -> FixtureFiles.llm("no-such-fixture.sse"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-fixture.sse");
    }
}
