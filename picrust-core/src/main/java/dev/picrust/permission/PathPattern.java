package dev.picrust.permission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A gitignore-style path pattern from a rule specifier such as {@code Read(src/**)}.
 *
 * <ul>
 *   <li>{@code src/**}, {@code ./src/*.java}: relative to the agent's working directory.</li>
 *   <li>{@code /abs/path/**} and {@code //abs/path/**}: absolute.</li>
 *   <li>{@code ~/x}: relative to the user's home.</li>
 *   <li>A relative pattern without a slash ({@code *.env}, {@code secrets}) matches at any depth.</li>
 *   <li>{@code *} and {@code ?} stay within one path segment, {@code **} crosses segments,
 *       {@code [abc]} is a character class.</li>
 *   <li>As in gitignore, a pattern that matches a directory matches everything inside it.</li>
 * </ul>
 *
 * Both the pattern's base directory and the path are also compared in their symlink-resolved form,
 * so a link cannot walk around a rule.
 */
final class PathPattern {
    private final List<Path> bases;
    private final Pattern regex;

    private PathPattern(List<Path> bases, Pattern regex) {
        this.bases = bases;
        this.regex = regex;
    }

    static PathPattern parse(String specifier, Path workingDirectory, Path home) {
        String spec = specifier.strip();
        Path base;
        String rest;
        boolean floating = false;
        if (spec.equals("~")) {
            base = home;
            rest = "**";
        } else if (spec.startsWith("~/")) {
            base = home;
            rest = spec.substring(2);
        } else if (spec.startsWith("//")) {
            base = Path.of("/");
            rest = spec.substring(2);
        } else if (spec.startsWith("/")) {
            base = Path.of("/");
            rest = spec.substring(1);
        } else {
            base = workingDirectory;
            rest = spec;
            while (rest.startsWith("./")) {
                rest = rest.substring(2);
            }
            if (rest.equals(".") || rest.isEmpty()) {
                rest = "**";
            }
            floating = !rest.equals("**") && !stripTrailingSlash(rest).contains("/");
        }
        rest = stripTrailingSlash(rest);
        base = base.toAbsolutePath().normalize();
        if (!floating) {
            // Literal leading segments belong to the base, so "../x/**" and symlinked bases work.
            String[] segments = rest.split("/", -1);
            int i = 0;
            while (i < segments.length && !hasGlob(segments[i])) {
                if (!segments[i].isEmpty()) {
                    base = base.resolve(segments[i]).normalize();
                }
                i++;
            }
            rest = String.join("/", java.util.Arrays.copyOfRange(segments, i, segments.length));
        }
        String body = globToRegex(rest);
        Pattern regex = Pattern.compile(floating ? "(?:.*/)?" + body : body, Pattern.DOTALL);
        List<Path> bases = new ArrayList<>(List.of(base));
        realPath(base).filter(real -> !real.equals(bases.getFirst())).ifPresent(bases::add);
        return new PathPattern(List.copyOf(bases), regex);
    }

    /** True if {@code path} (absolute, normalized) or one of its ancestors below the base matches. */
    boolean matches(Path path) {
        for (Path base : bases) {
            if (!path.startsWith(base)) {
                continue;
            }
            Path relative = base.relativize(path);
            String rel = relative.toString().replace('\\', '/');
            if (rel.isEmpty()) {
                if (regex.matcher("").matches()) {
                    return true;
                }
                continue;
            }
            String candidate = rel;
            while (true) {
                if (regex.matcher(candidate).matches()) {
                    return true;
                }
                int slash = candidate.lastIndexOf('/');
                if (slash < 0) {
                    break;
                }
                candidate = candidate.substring(0, slash);
            }
        }
        return false;
    }

    /** The path with symlinks resolved; for a path that does not exist yet, its nearest existing ancestor's. */
    static java.util.Optional<Path> realPath(Path path) {
        Path existing = path;
        Path tail = null;
        while (existing != null && !Files.exists(existing)) {
            Path name = existing.getFileName();
            tail = tail == null ? name : name.resolve(tail);
            existing = existing.getParent();
        }
        if (existing == null) {
            return java.util.Optional.empty();
        }
        try {
            Path real = existing.toRealPath();
            return java.util.Optional.of(tail == null ? real : real.resolve(tail).normalize());
        } catch (IOException | SecurityException e) {
            return java.util.Optional.empty();
        }
    }

    private static String stripTrailingSlash(String s) {
        String r = s;
        while (r.length() > 1 && r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r.equals("/") ? "" : r;
    }

    private static boolean hasGlob(String segment) {
        return segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0 || segment.indexOf('[') >= 0;
    }

    static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                boolean doubleStar = i + 1 < n && glob.charAt(i + 1) == '*';
                if (doubleStar) {
                    boolean atSegmentStart = i == 0 || glob.charAt(i - 1) == '/';
                    boolean slashAfter = i + 2 < n && glob.charAt(i + 2) == '/';
                    if (atSegmentStart && slashAfter) {
                        re.append("(?:.*/)?");
                        i += 2;
                    } else if (i > 0 && glob.charAt(i - 1) == '/' && i + 2 == n) {
                        // "dir/**": the directory itself and everything below; the slash was already written.
                        re.setLength(re.length() - 1);
                        re.append("(?:/.*)?");
                        i += 1;
                    } else {
                        re.append(".*");
                        i += 1;
                    }
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '[') {
                int close = glob.indexOf(']', i + 2);
                if (close < 0) {
                    re.append("\\[");
                } else {
                    String cls = glob.substring(i + 1, close);
                    if (cls.startsWith("!")) {
                        cls = "^" + cls.substring(1);
                    }
                    re.append('[').append(cls.replace("\\", "\\\\")).append(']');
                    i = close;
                }
            } else if ("\\.^$|+(){}<>=!-".indexOf(c) >= 0) {
                re.append('\\').append(c);
            } else {
                re.append(c);
            }
        }
        return re.toString();
    }
}
