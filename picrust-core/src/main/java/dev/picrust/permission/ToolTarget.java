package dev.picrust.permission;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What rule specifiers of one tool call are checked against: its subjects. A deny or ask rule
 * applies if it matches any subject; allow rules apply only if every subject is matched by some
 * allow rule. Subjects of a Bash call are every command its {@link ShellAnalysis} finds, at any
 * depth and through wrappers, and every file its output redirections write ({@code shell} holds
 * the analysis); of a file tool, the path as given and as resolved through symlinks.
 */
record ToolTarget(List<Subject> subjects, Optional<Shell> shell) {

    /** Tools whose input names a file or directory, and the input fields that do. */
    static final Set<String> PATH_FIELDS = Set.of("file_path", "notebook_path", "path");
    /** Tools that search a directory and default to the working directory. */
    static final Set<String> SEARCH_TOOLS = Set.of("Glob", "Grep", "LS");
    /** Tools covered by ACCEPT_EDITS and by {@code Edit(...)} rules. */
    static final Set<String> EDIT_TOOLS = Set.of("Edit", "Write", "MultiEdit", "NotebookEdit");
    /** Tools covered by {@code Read(...)} rules. */
    static final Set<String> READ_TOOLS = Set.of("Read", "Glob", "Grep", "LS", "NotebookRead", "PresentFile");
    /** Files a redirection may write without any Write rule: they are not files. */
    private static final java.util.regex.Pattern HARMLESS_TARGET =
            java.util.regex.Pattern.compile("/dev/(null|zero|stdout|stderr|tty|fd/\\d+)");

    sealed interface Subject {}

    /** One command a shell command line can run; Bash rules are matched against it. */
    record Command(ShellInvocation invocation) implements Subject {}

    /**
     * A file an output redirection of a shell command line writes, checked against the rules of
     * the Write tool ({@code Write(...)}, {@code Edit(...)}). {@code path} is empty when the
     * target is only known when the command runs.
     */
    record Redirect(Optional<Path> path, String source) implements Subject {}

    /** The command line of a Bash call and what the analyser found in it. */
    record Shell(String commandLine, ShellAnalysis analysis) {}

    /** An absolute, normalized path the call touches. */
    record FilePath(Path path) implements Subject {}

    /** The host and full text of a URL the call fetches. */
    record Url(String host, String url) implements Subject {}

    /** Any other input: specifiers are matched against its top-level string values. */
    record Input(JsonNode input) implements Subject {}

    ToolTarget {
        subjects = List.copyOf(subjects);
    }

    ToolTarget(List<Subject> subjects) {
        this(subjects, Optional.empty());
    }

    static ToolTarget of(String toolName, JsonNode input, Path workingDirectory, Path home) {
        if (toolName.equals("Bash") && input.path("command").isTextual()) {
            return commands(input.path("command").asText(), workingDirectory, home);
        }
        Optional<String> path = pathField(input, home);
        if (path.isEmpty() && SEARCH_TOOLS.contains(toolName)) {
            path = Optional.of(".");
        }
        if (path.isPresent()) {
            Optional<ToolTarget> files = paths(path.get(), workingDirectory);
            if (files.isPresent()) {
                return files.get();
            }
        }
        if (toolName.equals("WebFetch") && input.path("url").isTextual()) {
            String url = input.path("url").asText();
            try {
                String host = URI.create(url).getHost();
                if (host != null) {
                    return new ToolTarget(List.of(new Url(host.toLowerCase(java.util.Locale.ROOT), url)));
                }
            } catch (IllegalArgumentException ignored) {
                // Not a URL we can read; fall through to plain input matching.
            }
        }
        return new ToolTarget(List.of(new Input(input)));
    }

    static ToolTarget commands(String commandLine, Path workingDirectory, Path home) {
        ShellAnalysis analysis = ShellAnalysis.of(commandLine);
        List<Subject> subjects = new ArrayList<>();
        analysis.commands().forEach(c -> subjects.add(new Command(c)));
        if (analysis.commands().isEmpty()) {
            // a line that runs nothing (assignments, a bare redirection) is still a Bash call:
            // a rule for the whole tool applies to it, a narrower one never does
            subjects.add(new Command(new ShellInvocation(List.of(ShellWord.literal("", "")), 0, false)));
        }
        for (ShellAnalysis.RedirectTarget target : analysis.writes()) {
            String value = target.word().value().orElse("");
            if (target.word().isLiteral() && HARMLESS_TARGET.matcher(value).matches()) {
                continue;
            }
            Optional<Path> path = redirectPath(target, workingDirectory, home);
            subjects.add(new Redirect(path, target.word().source()));
            path.flatMap(PathPattern::realPath).filter(real -> !real.equals(path.get()))
                    .ifPresent(real -> subjects.add(new Redirect(Optional.of(real), target.word().source())));
        }
        return new ToolTarget(subjects, Optional.of(new Shell(commandLine, analysis)));
    }

    private static Optional<Path> redirectPath(ShellAnalysis.RedirectTarget target, Path workingDirectory, Path home) {
        Optional<String> value = target.word().value().filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get();
        if (v.equals("~") || v.startsWith("~/")) {
            v = home + v.substring(1);
        } else if (v.startsWith("~")) {
            return Optional.empty(); // ~user: another user's home
        }
        if (!v.startsWith("/") && target.relativeToUnknownDirectory()) {
            return Optional.empty();
        }
        try {
            return Optional.of(workingDirectory.resolve(v).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static Optional<ToolTarget> paths(String raw, Path workingDirectory) {
        Path literal;
        try {
            literal = workingDirectory.resolve(raw).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        List<Subject> subjects = new ArrayList<>(List.of(new FilePath(literal)));
        PathPattern.realPath(literal).filter(real -> !real.equals(literal))
                .ifPresent(real -> subjects.add(new FilePath(real)));
        return Optional.of(new ToolTarget(subjects));
    }

    static Optional<String> pathField(JsonNode input, Path home) {
        for (String field : List.of("file_path", "notebook_path", "path")) {
            JsonNode value = input.path(field);
            if (value.isTextual() && !value.asText().isBlank()) {
                return Optional.of(expandHome(value.asText(), home));
            }
        }
        return Optional.empty();
    }

    private static String expandHome(String path, Path home) {
        if (path.equals("~") || path.startsWith("~/")) {
            return home + path.substring(1);
        }
        return path;
    }

    List<FilePath> filePaths() {
        return subjects.stream().filter(FilePath.class::isInstance).map(FilePath.class::cast).toList();
    }
}
