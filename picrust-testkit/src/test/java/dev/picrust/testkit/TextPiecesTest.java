package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextPiecesTest {

    @Test
    void piecesConcatenateToTheTextAndNeverSplitASurrogatePair() {
        String text = "🙂🙂🙂ab🙂";

        List<String> pieces = TextPieces.split(text, 3);

        assertThat(pieces).hasSize(3);
        assertThat(String.join("", pieces)).isEqualTo(text);
        pieces.forEach(p -> {
            assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
            assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
        });
    }

    @Test
    void shortAndEmptyTexts() {
        assertThat(TextPieces.split("", 3)).isEmpty();
        assertThat(TextPieces.split("ab", 3)).containsExactly("a", "b");
    }
}
