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
 * allow rule. Subjects of a Bash call are its simple commands (each also in its "core" form); of a
 * file tool, the path as given and as resolved through symlinks.
 */
record ToolTarget(List<Subject> subjects) {

    /** Tools whose input names a file or directory, and the input fields that do. */
    static final Set<String> PATH_FIELDS = Set.of("file_path", "notebook_path", "path");
    /** Tools that search a directory and default to the working directory. */
    static final Set<String> SEARCH_TOOLS = Set.of("Glob", "Grep", "LS");
    /** Tools covered by ACCEPT_EDITS and by {@code Edit(...)} rules. */
    static final Set<String> EDIT_TOOLS = Set.of("Edit", "Write", "MultiEdit", "NotebookEdit");
    /** Tools covered by {@code Read(...)} rules. */
    static final Set<String> READ_TOOLS = Set.of("Read", "Glob", "Grep", "LS", "NotebookRead", "PresentFile");

    sealed interface Subject {}

    /**
     * One simple command of a shell command line. {@code opaque}: it contains substitutions, so
     * only exact or whole-tool rules may allow it. {@code nested}: it runs inside another command's
     * substitution; only deny and ask rules look at it (allowing the outer text exactly covers it).
     */
    record Command(String text, boolean opaque, boolean nested) implements Subject {}

    /** An absolute, normalized path the call touches. */
    record FilePath(Path path) implements Subject {}

    /** The host and full text of a URL the call fetches. */
    record Url(String host, String url) implements Subject {}

    /** Any other input: specifiers are matched against its top-level string values. */
    record Input(JsonNode input) implements Subject {}

    ToolTarget {
        subjects = List.copyOf(subjects);
    }

    static ToolTarget of(String toolName, JsonNode input, Path workingDirectory, Path home) {
        if (toolName.equals("Bash") && input.path("command").isTextual()) {
            return commands(input.path("command").asText());
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

    static ToolTarget commands(String commandLine) {
        List<Subject> subjects = new ArrayList<>();
        addCommands(commandLine, subjects, 0);
        if (subjects.isEmpty()) {
            subjects.add(new Command("", false, false));
        }
        return new ToolTarget(subjects);
    }

    /** Adds each simple command, its core form, and (as opaque) the commands inside its substitutions. */
    private static void addCommands(String commandLine, List<Subject> subjects, int depth) {
        for (ShellCommand.Part part : ShellCommand.split(commandLine)) {
            boolean nested = depth > 0;
            subjects.add(new Command(part.text(), part.opaque(), nested));
            String core = ShellCommand.core(part.text());
            if (!core.isEmpty() && !core.equals(part.text())) {
                subjects.add(new Command(core, part.opaque(), nested));
            }
            if (part.opaque() && depth < 4) {
                for (String inner : ShellCommand.substitutions(part.text())) {
                    addCommands(inner, subjects, depth + 1);
                }
            }
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

    /** The subjects allow rules must all match: everything but commands nested in substitutions. */
    List<Subject> allowSubjects() {
        return subjects.stream().filter(s -> !(s instanceof Command c && c.nested())).toList();
    }

    List<FilePath> filePaths() {
        return subjects.stream().filter(FilePath.class::isInstance).map(FilePath.class::cast).toList();
    }
}
