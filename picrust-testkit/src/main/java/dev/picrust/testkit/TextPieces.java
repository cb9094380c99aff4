package dev.picrust.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a string into a few consecutive pieces, the way a model streams text. Cuts never fall inside
 * a surrogate pair, so every piece is valid UTF-16 and encodes to valid UTF-8 on its own.
 */
final class TextPieces {
    private TextPieces() {}

    /** At most {@code maxPieces} non-empty pieces that concatenate to {@code text}; none for "". */
    static List<String> split(String text, int maxPieces) {
        int codePoints = text.codePointCount(0, text.length());
        int pieces = Math.min(maxPieces, codePoints);
        List<String> out = new ArrayList<>(Math.max(pieces, 0));
        int start = 0;
        for (int i = 1; i <= pieces; i++) {
            int end = i == pieces ? text.length() : text.offsetByCodePoints(0, (int) ((long) codePoints * i / pieces));
            if (end > start) {
                out.add(text.substring(start, end));
            }
            start = end;
        }
        return out;
    }
}
