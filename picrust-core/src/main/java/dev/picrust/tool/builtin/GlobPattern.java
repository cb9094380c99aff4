package dev.picrust.tool.builtin;

import java.util.regex.Pattern;

/**
 * Glob patterns over {@code /}-separated relative paths, compiled to regular expressions:
 * {@code *} and {@code ?} stay within one path segment, {@code **} as a whole segment spans any
 * number of folders including none ({@code **}{@code /*.java} matches {@code A.java} at the top),
 * {@code [abc]}/{@code [!a-z]} are character classes, {@code {a,b}} alternatives (may nest), and
 * {@code \} escapes. Gitignore patterns use the same rules without braces.
 */
final class GlobPattern {
    private final String glob;
    private final Pattern regex;

    private GlobPattern(String glob, Pattern regex) {
        this.glob = glob;
        this.regex = regex;
    }

    /** @throws IllegalArgumentException for an unbalanced brace */
    static GlobPattern compile(String glob) {
        return new GlobPattern(glob, Pattern.compile(toRegex(glob, true)));
    }

    static GlobPattern compileWithoutBraces(String glob) {
        return new GlobPattern(glob, Pattern.compile(toRegex(glob, false)));
    }

    boolean matches(String relativePath) {
        return regex.matcher(relativePath).matches();
    }

    String glob() {
        return glob;
    }

    /**
     * The leading folders of a pattern that contain no glob syntax, e.g. {@code src/main} for
     * {@code src/main/**}{@code /*.java}: a walk can start there. Empty if there are none.
     */
    static String literalDirectoryPrefix(String glob) {
        int end = 0;
        int segmentStart = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') {
                break;
            }
            if (c == '/') {
                end = i;
                segmentStart = i + 1;
            }
        }
        String prefix = glob.substring(0, end);
        if (segmentStart == 0 || prefix.equals(".") || prefix.contains("..")) {
            return "";
        }
        return prefix;
    }

    static String toRegex(String glob, boolean braces) {
        StringBuilder re = new StringBuilder();
        int depth = 0;
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < n && glob.charAt(i + 1) == '*') {
                        boolean segmentStart = i == 0 || isBoundary(glob.charAt(i - 1), braces && depth > 0);
                        int after = i + 2;
                        if (segmentStart && after < n && glob.charAt(after) == '/') {
                            re.append("(?:[^/]*/)*");
                            i = after;
                        } else if (segmentStart && (after == n || braces && depth > 0 && isAlternativeEnd(glob.charAt(after)))) {
                            re.append(".*");
                            i = after - 1;
                        } else {
                            re.append("[^/]*");
                            i++;
                        }
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int close = classEnd(glob, i);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        re.append(characterClass(glob.substring(i + 1, close)));
                        i = close;
                    }
                }
                case '{' -> {
                    if (braces) {
                        re.append("(?:");
                        depth++;
                    } else {
                        re.append("\\{");
                    }
                }
                case '}' -> {
                    if (braces && depth > 0) {
                        re.append(')');
                        depth--;
                    } else {
                        re.append("\\}");
                    }
                }
                case ',' -> re.append(braces && depth > 0 ? "|" : ",");
                case '\\' -> {
                    if (i + 1 < n) {
                        i++;
                        re.append(Pattern.quote(String.valueOf(glob.charAt(i))));
                    } else {
                        re.append("\\\\");
                    }
                }
                default -> re.append(literal(c));
            }
        }
        if (depth > 0) {
            throw new IllegalArgumentException("unclosed '{' in pattern " + glob);
        }
        return re.toString();
    }

    private static boolean isBoundary(char previous, boolean inBraces) {
        return previous == '/' || inBraces && (previous == '{' || previous == ',');
    }

    private static boolean isAlternativeEnd(char next) {
        return next == ',' || next == '}';
    }

    private static int classEnd(String glob, int open) {
        int i = open + 1;
        if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) {
            i++;
        }
        if (i < glob.length() && glob.charAt(i) == ']') {
            i++; // a ']' first in the class is a literal
        }
        for (; i < glob.length(); i++) {
            if (glob.charAt(i) == ']') {
                return i;
            }
        }
        return -1;
    }

    private static String characterClass(String body) {
        StringBuilder re = new StringBuilder("[");
        int i = 0;
        if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
            re.append('^');
            i = 1;
        }
        for (; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '-' && i > 0 && i < body.length() - 1) {
                re.append('-');
            } else if (Character.isLetterOrDigit(c)) {
                re.append(c);
            } else {
                re.append('\\').append(c);
            }
        }
        return re.append(']').toString();
    }

    private static String literal(char c) {
        if (Character.isLetterOrDigit(c) || c == '/' || c == '_') {
            return String.valueOf(c);
        }
        // ASCII punctuation may be backslash-escaped in a Java regex; quote anything else.
        return c < 128 ? "\\" + c : Pattern.quote(String.valueOf(c));
    }

    @Override
    public String toString() {
        return glob;
    }
}
