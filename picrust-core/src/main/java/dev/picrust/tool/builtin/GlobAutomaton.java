package dev.picrust.tool.builtin;

import java.util.ArrayList;
import java.util.List;

/**
 * A glob compiled to a nondeterministic automaton and run over all its states at once, so matching
 * takes time proportional to the path's length times the pattern's, whatever the pattern. A regular
 * expression engine that backtracks took minutes for {@code *a*a*a*a*a*b} against a long name.
 * Built by {@link GlobPattern}, which owns the syntax.
 */
final class GlobAutomaton {
    private static final int MATCH = 0;
    private static final int LITERAL = 1;
    /** Any character but '/'. */
    private static final int SEGMENT_CHAR = 2;
    private static final int CLASS = 3;
    private static final int ANY_CHAR = 4;
    /** No character: goes on to {@code next} and {@code alternative}. */
    private static final int SPLIT = 5;

    /** One piece of a glob; alternatives nest. */
    sealed interface Part {
        record Literal(char c) implements Part {}

        /** {@code ?}. */
        record OneInSegment() implements Part {}

        /** {@code [...]}: {@code body} without the brackets. */
        record CharClass(String body) implements Part {}

        /** {@code *}: any run within one folder name. */
        record Star() implements Part {}

        /** {@code **}{@code /}: any number of whole folders, none included. */
        record Folders() implements Part {}

        /** A trailing {@code **}: anything. */
        record Anything() implements Part {}

        /** {@code {a,b}}. */
        record Alternatives(List<List<Part>> options) implements Part {}
    }

    private final List<int[]> states = new ArrayList<>();   // {kind, next, alternative}
    private final List<Object> payload = new ArrayList<>();  // Character or class body
    private final int start;

    GlobAutomaton(List<Part> parts) {
        int match = add(MATCH, -1, -1, null);
        start = compile(parts, match);
    }

    private int add(int kind, int next, int alternative, Object data) {
        states.add(new int[] {kind, next, alternative});
        payload.add(data);
        return states.size() - 1;
    }

    /** Compiled back to front: each part gets the state that follows it. */
    private int compile(List<Part> parts, int next) {
        int at = next;
        for (int i = parts.size() - 1; i >= 0; i--) {
            at = compile(parts.get(i), at);
        }
        return at;
    }

    private int compile(Part part, int next) {
        return switch (part) {
            case Part.Literal l -> add(LITERAL, next, -1, l.c());
            case Part.OneInSegment o -> add(SEGMENT_CHAR, next, -1, null);
            case Part.CharClass c -> add(CLASS, next, -1, c.body());
            case Part.Star s -> loop(SEGMENT_CHAR, next);
            case Part.Anything a -> loop(ANY_CHAR, next);
            case Part.Folders f -> {
                // (name/)* : a split either goes on or reads a folder name and its slash, then splits again.
                int split = add(SPLIT, next, -1, null);
                int slash = add(LITERAL, split, -1, '/');
                int name = loop(SEGMENT_CHAR, slash);
                states.get(split)[2] = name;
                yield split;
            }
            case Part.Alternatives a -> {
                int entry = -1;
                for (int i = a.options().size() - 1; i >= 0; i--) {
                    int option = compile(a.options().get(i), next);
                    entry = entry < 0 ? option : add(SPLIT, option, entry, null);
                }
                yield entry;
            }
        };
    }

    /** Zero or more characters of {@code kind}, then {@code next}. */
    private int loop(int kind, int next) {
        int split = add(SPLIT, next, -1, null);
        int consume = add(kind, split, -1, null);
        states.get(split)[2] = consume;
        return split;
    }

    boolean matches(String path) {
        int n = states.size();
        int[] current = new int[n];
        int[] following = new int[n];
        boolean[] seen = new boolean[n];
        int count = close(start, current, 0, seen);
        for (int i = 0; i < path.length() && count > 0; i++) {
            char c = path.charAt(i);
            java.util.Arrays.fill(seen, false);
            int nextCount = 0;
            for (int k = 0; k < count; k++) {
                int s = current[k];
                if (accepts(s, c)) {
                    nextCount = close(states.get(s)[1], following, nextCount, seen);
                }
            }
            int[] swap = current;
            current = following;
            following = swap;
            count = nextCount;
        }
        for (int k = 0; k < count; k++) {
            if (states.get(current[k])[0] == MATCH) {
                return true;
            }
        }
        return false;
    }

    /** Adds {@code state} and every state reachable from it without a character; returns the new count. */
    private int close(int state, int[] into, int count, boolean[] seen) {
        if (state < 0 || seen[state]) {
            return count;
        }
        seen[state] = true;
        int[] s = states.get(state);
        if (s[0] == SPLIT) {
            count = close(s[1], into, count, seen);
            return close(s[2], into, count, seen);
        }
        into[count] = state;
        return count + 1;
    }

    private boolean accepts(int state, char c) {
        return switch (states.get(state)[0]) {
            case LITERAL -> (char) payload.get(state) == c;
            case SEGMENT_CHAR -> c != '/';
            case ANY_CHAR -> true;
            case CLASS -> c != '/' && inClass((String) payload.get(state), c);
            default -> false;
        };
    }

    private static boolean inClass(String body, char c) {
        int i = 0;
        boolean negated = !body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^');
        if (negated) {
            i = 1;
        }
        boolean found = false;
        for (; i < body.length(); i++) {
            char first = body.charAt(i);
            if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
                char last = body.charAt(i + 2);
                if (c >= first && c <= last) {
                    found = true;
                }
                i += 2;
            } else if (first == c) {
                found = true;
            }
        }
        return found != negated;
    }
}
