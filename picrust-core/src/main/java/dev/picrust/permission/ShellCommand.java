package dev.picrust.permission;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a shell command line into the simple commands a rule is checked against. Splits on
 * {@code && || ; | & |&} and newlines outside quotes; keeps redirections such as {@code 2>&1}.
 * This is not a shell parser: parts containing command or process substitution ({@code $(..)},
 * backticks, {@code <(..)}) or subshell parentheses are marked opaque, and only exact or
 * whole-tool rules may allow them.
 */
final class ShellCommand {
    private static final Pattern LEADING_ASSIGNMENT =
            Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s'\"])*\\s+");
    private static final Pattern LEADING_KEYWORD =
            Pattern.compile("^(?:then|do|else|elif|if|while|until|time|!|\\{|\\()(?:\\s+|$)");

    /** One simple command. {@code text} is trimmed with whitespace runs collapsed. */
    record Part(String text, boolean opaque) {}

    private ShellCommand() {}

    static List<Part> split(String command) {
        List<Part> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean opaque = false;
        boolean single = false;
        boolean dbl = false;
        int n = command.length();
        for (int i = 0; i < n; i++) {
            char c = command.charAt(i);
            char next = i + 1 < n ? command.charAt(i + 1) : '\0';
            if (single) {
                current.append(c);
                if (c == '\'') {
                    single = false;
                }
                continue;
            }
            if (c == '\\' && i + 1 < n) {
                current.append(c).append(next);
                i++;
                continue;
            }
            if (dbl) {
                current.append(c);
                if (c == '"') {
                    dbl = false;
                } else if (c == '`' || (c == '$' && next == '(')) {
                    opaque = true;
                }
                continue;
            }
            switch (c) {
                case '\'' -> {
                    single = true;
                    current.append(c);
                }
                case '"' -> {
                    dbl = true;
                    current.append(c);
                }
                case '`', '(', ')' -> {
                    opaque = true;
                    current.append(c);
                }
                case '$' -> {
                    if (next == '(') {
                        opaque = true;
                    }
                    current.append(c);
                }
                case ';', '\n', '\r' -> {
                    opaque = flush(parts, current, opaque);
                }
                case '|' -> {
                    opaque = flush(parts, current, opaque);
                    if (next == '|' || next == '&') {
                        i++;
                    }
                }
                case '&' -> {
                    char prev = i > 0 ? command.charAt(i - 1) : '\0';
                    if (next == '&') {
                        opaque = flush(parts, current, opaque);
                        i++;
                    } else if (prev == '>' || prev == '<' || next == '>') {
                        current.append(c);
                    } else {
                        opaque = flush(parts, current, opaque);
                    }
                }
                case '<', '>' -> {
                    if (next == '(') {
                        opaque = true;
                    }
                    current.append(c);
                }
                default -> current.append(c);
            }
        }
        flush(parts, current, opaque || single || dbl);
        return parts;
    }

    private static boolean flush(List<Part> parts, StringBuilder current, boolean opaque) {
        String text = collapse(current.toString());
        if (!text.isEmpty()) {
            parts.add(new Part(text, opaque));
        }
        current.setLength(0);
        return false;
    }

    /**
     * The part without leading shell keywords, grouping characters and variable assignments
     * ({@code do FOO=1 rm -rf x} gives {@code rm -rf x}), so deny rules see the real command.
     */
    static String core(String text) {
        String s = text;
        boolean changed = true;
        while (changed) {
            changed = false;
            Matcher keyword = LEADING_KEYWORD.matcher(s);
            if (keyword.find()) {
                s = s.substring(keyword.end());
                changed = true;
            }
            Matcher assignment = LEADING_ASSIGNMENT.matcher(s);
            if (assignment.find()) {
                s = s.substring(assignment.end());
                changed = true;
            }
        }
        // Closing characters of a group opened in an earlier part: "(cd x && rm -rf y)".
        s = s.strip();
        while (!s.isEmpty() && (unbalanced(s, '(', ')') || unbalanced(s, '{', '}'))) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return collapse(s);
    }

    /**
     * The command lines inside {@code $(...)}, backticks and {@code <(...)}/{@code >(...)} of a
     * part, outermost first, so deny rules also see what a substitution would run.
     */
    static List<String> substitutions(String text) {
        List<String> inner = new ArrayList<>();
        boolean single = false;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '\'') {
                single = !single;
            } else if (single) {
                continue;
            } else if (c == '`') {
                int close = text.indexOf('`', i + 1);
                if (close < 0) {
                    inner.add(text.substring(i + 1));
                    break;
                }
                inner.add(text.substring(i + 1, close));
                i = close;
            } else if ((c == '$' || c == '<' || c == '>') && i + 1 < n && text.charAt(i + 1) == '(') {
                int depth = 0;
                int j = i + 1;
                for (; j < n; j++) {
                    char d = text.charAt(j);
                    if (d == '(') {
                        depth++;
                    } else if (d == ')' && --depth == 0) {
                        break;
                    }
                }
                inner.add(text.substring(i + 2, Math.min(j, n)));
                i = j;
            } else if (c == '(') {
                // A subshell: "(cd x && rm -rf y)".
                int close = text.lastIndexOf(')');
                inner.add(text.substring(i + 1, close > i ? close : n));
                i = close > i ? close : n;
            }
        }
        return inner;
    }

    private static boolean unbalanced(String s, char open, char close) {
        return s.charAt(s.length() - 1) == close && s.chars().filter(c -> c == close).count()
                > s.chars().filter(c -> c == open).count();
    }

    static String collapse(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }
}
