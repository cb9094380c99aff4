package dev.picrust.tool.builtin;

/** The {@code cat -n} layout Read uses: the line number right-aligned in six columns, a tab, the line. */
final class NumberedLines {
    private NumberedLines() {}

    static void append(StringBuilder out, long number, String line) {
        String digits = Long.toString(number);
        for (int i = digits.length(); i < 6; i++) {
            out.append(' ');
        }
        out.append(digits).append('\t').append(line).append('\n');
    }

    /** Lines {@code from}..{@code to} (1-based, inclusive, clamped) of {@code content}, numbered. */
    static String excerpt(String content, int from, int to) {
        String[] lines = content.split("\r?\n", -1);
        int first = Math.max(1, from);
        int last = Math.min(lines.length, to);
        StringBuilder out = new StringBuilder();
        for (int n = first; n <= last; n++) {
            String line = lines[n - 1];
            append(out, n, line.length() > ReadTool.MAX_LINE_CHARS ? line.substring(0, ReadTool.MAX_LINE_CHARS) + "..." : line);
        }
        return out.toString();
    }
}
