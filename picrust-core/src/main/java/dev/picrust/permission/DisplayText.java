package dev.picrust.permission;

/**
 * Text from a tool call made safe to show a human who must approve it. A command can carry a
 * carriage return and an ANSI "erase line" that make a terminal show {@code ls -la} while the rest
 * ({@code ; rm -rf ~}) is really there, or a right-to-left override that reverses what is read.
 * Every control and format character is shown as an escape instead ({@code \r}, {@code \x1b},
 * {@code \u202e}); nothing is ever cut.
 */
public final class DisplayText {
    private DisplayText() {}

    /** {@code text} on one line: line breaks too are shown as {@code \n}. */
    public static String escape(String text) {
        return escape(text, false);
    }

    /** {@code text} with line breaks kept as they are (for a prompt that shows a command over several lines). */
    public static String escapeKeepingLines(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepNewlines) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            if (c == '\n' && keepNewlines) {
                out.append('\n');
                return;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                default -> {
                    int type = Character.getType(c);
                    if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                            || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE
                            || type == Character.UNASSIGNED || type == Character.SURROGATE) {
                        out.append(c <= 0xFF ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    /** True if {@link #escape} would change anything but line breaks. */
    public static boolean hasHiddenCharacters(String text) {
        return !escapeKeepingLines(text).equals(text);
    }
}
