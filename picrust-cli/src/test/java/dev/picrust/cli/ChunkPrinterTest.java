package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkPrinterTest {

    @Test
    void previewsShowControlAndFormatCharactersEscaped() {
        String preview = ChunkPrinter.Text.preview("ls\r\u001b[K; rm -rf x \u202eevil\u0007");
        assertThat(preview).isEqualTo("ls\\r\\x1b[K; rm -rf x \\u202eevil\\x07");
        assertThat(preview.chars()).noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
    }

    @Test
    void previewsAreOneLineCutWithoutSplittingACharacter() {
        assertThat(ChunkPrinter.Text.preview("a\nb\tc")).isEqualTo("a b c");
        String cut = ChunkPrinter.Text.preview("x".repeat(199) + "😀" + "tail");
        assertThat(cut).isEqualTo("x".repeat(199) + "...");
        assertThat(ChunkPrinter.Text.preview("y".repeat(300))).hasSize(203).endsWith("...");
    }
}
