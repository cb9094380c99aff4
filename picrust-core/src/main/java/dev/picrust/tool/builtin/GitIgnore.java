package dev.picrust.tool.builtin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of one {@code .gitignore} file, matched against paths relative to its folder, with
 * git's semantics: {@code #} comments, {@code !} re-includes, a trailing {@code /} matches folders
 * only, a pattern with a {@code /} before its end is anchored to the file's folder (otherwise it
 * matches at any depth), {@code **} spans folders, later rules win.
 */
final class GitIgnore {

    record Rule(GlobPattern pattern, boolean negated, boolean directoryOnly) {}

    private final List<Rule> rules;

    private GitIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules of {@code dir/.gitignore}, or empty if there is none (or it cannot be read). */
    static Optional<GitIgnore> load(Path dir) {
        Path file = dir.resolve(".gitignore");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            GitIgnore ignore = parse(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
            return ignore.rules.isEmpty() ? Optional.empty() : Optional.of(ignore);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static GitIgnore parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : lines) {
            String line = trimTrailingSpaces(raw);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean negated = false;
            if (line.startsWith("!")) {
                negated = true;
                line = line.substring(1);
            } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
                line = line.substring(1);
            }
            boolean directoryOnly = line.endsWith("/");
            if (directoryOnly) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                continue;
            }
            boolean anchored = line.contains("/");
            if (line.startsWith("/")) {
                line = line.substring(1);
            }
            String glob = anchored ? line : "**/" + line;
            try {
                rules.add(new Rule(GlobPattern.compileWithoutBraces(glob), negated, directoryOnly));
            } catch (RuntimeException ignored) {
                // git skips patterns it cannot parse; so do we.
            }
        }
        return new GitIgnore(rules);
    }

    /**
     * Whether this file ignores {@code relativePath} (true), re-includes it (false), or says
     * nothing about it (empty). The last matching rule decides.
     */
    Optional<Boolean> decide(String relativePath, boolean directory) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            Rule rule = rules.get(i);
            if (rule.directoryOnly() && !directory) {
                continue;
            }
            if (rule.pattern().matches(relativePath)) {
                return Optional.of(!rule.negated());
            }
        }
        return Optional.empty();
    }

    private static String trimTrailingSpaces(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t' || line.charAt(end - 1) == '\r')) {
            if (end >= 2 && line.charAt(end - 2) == '\\') {
                break;
            }
            end--;
        }
        return line.substring(0, end);
    }
}
