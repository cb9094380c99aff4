package dev.picrust.tool.builtin;

import java.util.Optional;

/**
 * Recognises the file types Read returns as media by their first bytes (magic numbers), not by
 * name: a {@code .png} that is really text is read as text, a PDF without an extension as a PDF.
 */
final class FileSignature {
    private FileSignature() {}

    /** {@code image/png}, {@code image/jpeg}, {@code image/gif}, {@code image/webp}, {@code application/pdf}, or empty. */
    static Optional<String> mediaType(byte[] head, int length) {
        if (matches(head, length, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of("image/png");
        }
        if (matches(head, length, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("image/jpeg");
        }
        if (matches(head, length, 0, 'G', 'I', 'F', '8', '7', 'a') || matches(head, length, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return Optional.of("image/gif");
        }
        if (matches(head, length, 0, 'R', 'I', 'F', 'F') && matches(head, length, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of("image/webp");
        }
        if (matches(head, length, 0, '%', 'P', 'D', 'F', '-')) {
            return Optional.of("application/pdf");
        }
        return Optional.empty();
    }

    /** True if the bytes contain a NUL, the usual sign of a binary file. */
    static boolean looksBinary(byte[] head, int length) {
        for (int i = 0; i < length; i++) {
            if (head[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] head, int length, int at, int... expected) {
        if (length < at + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((head[at + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
