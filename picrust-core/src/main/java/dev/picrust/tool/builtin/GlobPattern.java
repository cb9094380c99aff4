package dev.picrust.tool.builtin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Glob patterns over {@code /}-separated relative paths, compiled to a {@link GlobAutomaton}:
 * {@code *} and {@code ?} stay within one path segment, {@code **} as a whole segment spans any
 * number of folders including none ({@code **}{@code /*.java} matches {@code A.java} at the top),
 * {@code [abc]}/{@code [!a-z]} are character classes, {@code {a,b}} alternatives (may nest), and
 * {@code \} escapes. Gitignore patterns use the same rules without braces.
 */
final class GlobPattern {
    private final String glob;
    private final GlobAutomaton automaton;

    private GlobPattern(String glob, GlobAutomaton automaton) {
        this.glob = glob;
        this.automaton = automaton;
    }

    /** @throws IllegalArgumentException for an unbalanced brace */
    static GlobPattern compile(String glob) {
        return new GlobPattern(glob, new GlobAutomaton(parse(glob, true)));
    }

    static GlobPattern compileWithoutBraces(String glob) {
        return new GlobPattern(glob, new GlobAutomaton(parse(glob, false)));
    }

    /** In time linear in the path's length (times the pattern's), never backtracking. */
    boolean matches(String relativePath) {
        return automaton.matches(relativePath);
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

    /** The glob as automaton parts (see {@link GlobAutomaton}). */
    static List<GlobAutomaton.Part> parse(String glob, boolean braces) {
        // Each open brace keeps the sequence it sits in and its options so far.
        Deque<List<GlobAutomaton.Part>> enclosing = new ArrayDeque<>();
        Deque<List<List<GlobAutomaton.Part>>> options = new ArrayDeque<>();
        List<GlobAutomaton.Part> seq = new ArrayList<>();
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            int depth = options.size();
            switch (c) {
                case '*' -> {
                    if (i + 1 < n && glob.charAt(i + 1) == '*') {
                        boolean segmentStart = i == 0 || isBoundary(glob.charAt(i - 1), braces && depth > 0);
                        int after = i + 2;
                        if (segmentStart && after < n && glob.charAt(after) == '/') {
                            seq.add(new GlobAutomaton.Part.Folders());
                            i = after;
                        } else if (segmentStart && (after == n || braces && depth > 0 && isAlternativeEnd(glob.charAt(after)))) {
                            seq.add(new GlobAutomaton.Part.Anything());
                            i = after - 1;
                        } else {
                            seq.add(new GlobAutomaton.Part.Star());
                            i++;
                        }
                    } else {
                        seq.add(new GlobAutomaton.Part.Star());
                    }
                }
                case '?' -> seq.add(new GlobAutomaton.Part.OneInSegment());
                case '[' -> {
                    int close = classEnd(glob, i);
                    if (close < 0) {
                        seq.add(new GlobAutomaton.Part.Literal('['));
                    } else {
                        seq.add(new GlobAutomaton.Part.CharClass(glob.substring(i + 1, close)));
                        i = close;
                    }
                }
                case '{' -> {
                    if (braces) {
                        enclosing.push(seq);
                        List<List<GlobAutomaton.Part>> opts = new ArrayList<>();
                        seq = new ArrayList<>();
                        opts.add(seq);
                        options.push(opts);
                    } else {
                        seq.add(new GlobAutomaton.Part.Literal('{'));
                    }
                }
                case '}' -> {
                    if (braces && depth > 0) {
                        List<List<GlobAutomaton.Part>> opts = options.pop();
                        seq = enclosing.pop();
                        seq.add(new GlobAutomaton.Part.Alternatives(opts));
                    } else {
                        seq.add(new GlobAutomaton.Part.Literal('}'));
                    }
                }
                case ',' -> {
                    if (braces && depth > 0) {
                        seq = new ArrayList<>();
                        options.peek().add(seq);
                    } else {
                        seq.add(new GlobAutomaton.Part.Literal(','));
                    }
                }
                case '\\' -> {
                    if (i + 1 < n) {
                        i++;
                        seq.add(new GlobAutomaton.Part.Literal(glob.charAt(i)));
                    } else {
                        seq.add(new GlobAutomaton.Part.Literal('\\'));
                    }
                }
                default -> seq.add(new GlobAutomaton.Part.Literal(c));
            }
        }
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("unclosed '{' in pattern " + glob);
        }
        return seq;
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

    @Override
    public String toString() {
        return glob;
    }
}
