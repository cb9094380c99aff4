package dev.picrust.testkit;

import java.util.concurrent.ThreadLocalRandom;

/** Ids in the shape the Anthropic API uses ({@code toolu_…}, {@code msg_…}), random per call. */
final class GeneratedIds {
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private GeneratedIds() {}

    static String toolUseId() {
        return "toolu_" + randomSuffix();
    }

    static String messageId() {
        return "msg_" + randomSuffix();
    }

    private static String randomSuffix() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] chars = new char[24];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
