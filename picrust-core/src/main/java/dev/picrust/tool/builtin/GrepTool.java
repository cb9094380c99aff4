package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Grep: searches file contents with a Java regular expression, in pure Java (no {@code rg} needed).
 * Skips binary files, {@code .git} and {@code .gitignore}d files; output is capped; a bad regex
 * or a missing path is an error result.
 */
final class GrepTool extends BuiltinTool {
    public static final int MAX_OUTPUT_CHARS = 30_000;
    public static final long SEARCH_DEADLINE_SECONDS = 120;

    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "pattern": {"type": "string", "description": "The regular expression to search for in file contents (Java regex syntax)"},
                "path": {"type": "string", "description": "File or folder to search in (default: the working directory)"},
                "glob": {"type": "string", "description": "Glob pattern to filter files, e.g. \\"*.js\\" or \\"*.{ts,tsx}\\"; a pattern with a / is matched against the path relative to the searched folder. Prefix with ! to exclude"},
                "type": {"type": "string", "description": "File type to search, e.g. java, js, ts, py, rust, go, md, json. More efficient than glob for standard types"},
                "output_mode": {"type": "string", "enum": ["content", "files_with_matches", "count"], "description": "\\"content\\" shows matching lines (supports -A/-B/-C, -n), \\"files_with_matches\\" shows file paths (default), \\"count\\" shows match counts per file"},
                "-i": {"type": "boolean", "description": "Case insensitive search"},
                "-n": {"type": "boolean", "description": "Show line numbers in output (content mode; default true)"},
                "-A": {"type": "number", "minimum": 0, "description": "Lines to show after each match (content mode)"},
                "-B": {"type": "number", "minimum": 0, "description": "Lines to show before each match (content mode)"},
                "-C": {"type": "number", "minimum": 0, "description": "Lines to show before and after each match (content mode)"},
                "multiline": {"type": "boolean", "description": "Let patterns span lines: . matches newlines and ^/$ match at line boundaries (default false)"},
                "head_limit": {"type": "number", "minimum": 0, "description": "Show only the first N entries (lines, files or counts) after offset; 0 or absent means no limit"},
                "offset": {"type": "number", "minimum": 0, "description": "Skip the first N entries before applying head_limit (default 0)"}
              },
              "required": ["pattern"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            A powerful search tool for file contents.

            - Full Java regex syntax (e.g. "log.*Error", "function\\\\s+\\\\w+"). Escape literal braces and brackets: "interface\\\\{\\\\}".
            - Filter files with glob (e.g. "*.js", "**/*.tsx") or type (e.g. "js", "py", "rust").
            - output_mode: "files_with_matches" (default) lists files, newest first; "content" shows matching lines (path:line:text) with optional context -A/-B/-C; "count" shows matches per file.
            - By default patterns match within one line; set multiline to true for patterns that span lines.
            - Binary files, .git folders and files ignored by .gitignore are skipped. Output is capped at 30,000 characters: use head_limit and offset to page.
            - Always use Grep for searching file contents; do not run grep or rg through Bash.""";

    enum Mode { CONTENT, FILES_WITH_MATCHES, COUNT }

    /** Everything a search needs, read from the input once. */
    record Options(Pattern regex, Mode mode, boolean lineNumbers, int before, int after, boolean multiline,
                   long offset, long headLimit) {}

    public GrepTool() {
        super("Grep", DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public boolean concurrencySafe() {
        return true;
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        Options options = options(input);
        Path root = context.resolvePath(input.optionalString("path").filter(p -> !p.isBlank()).orElse("."));
        if (!Files.exists(root)) {
            throw new ToolException("Path does not exist: " + root);
        }
        List<FileWalker.Found> candidates = filesToSearch(root, input, context);
        // The permission check saw only the folder: each file it would read must pass the Read rules too.
        List<FileWalker.Found> files = candidates.stream().filter(f -> context.mayRead(f.path())).toList();
        int denied = candidates.size() - files.size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SEARCH_DEADLINE_SECONDS);
        GrepOutput output = new GrepOutput(options.offset(), options.headLimit(), MAX_OUTPUT_CHARS);
        GrepScanner scanner = new GrepScanner(options, context.cancellation(), deadline, output);
        record Hit(Path path, long modified) {}
        List<Hit> hits = new ArrayList<>();
        try {
            for (FileWalker.Found file : files) {
                context.cancellation().throwIfCancelled();
                if (output.isFull()) {
                    break;
                }
                long count = scanner.scan(file.path());
                if (count > 0) {
                    switch (options.mode()) {
                        case FILES_WITH_MATCHES -> hits.add(new Hit(file.path(), file.attributes().lastModifiedTime().toMillis()));
                        case COUNT -> output.add(file.path() + ":" + count);
                        case CONTENT -> {
                            // lines were added by the scanner
                        }
                    }
                }
            }
        } catch (GuardedText.DeadlineExceeded e) {
            throw new ToolException("The search took longer than " + SEARCH_DEADLINE_SECONDS + " s and was stopped."
                    + " The pattern may backtrack catastrophically, or the folder is very large: narrow path, glob or"
                    + " type, or simplify the pattern.");
        }
        if (options.mode() == Mode.FILES_WITH_MATCHES) {
            hits.sort(Comparator.comparingLong(Hit::modified).reversed().thenComparing(Hit::path));
            for (Hit hit : hits) {
                if (!output.add(hit.path().toString())) {
                    break;
                }
            }
        }
        String notes = scanner.skippedLargeFiles() > 0
                ? "\n(" + scanner.skippedLargeFiles() + " file(s) over " + ReadTool.humanSize(GrepScanner.MAX_MULTILINE_FILE_BYTES)
                + " were not searched in multiline mode)" : "";
        if (denied > 0) {
            notes += "\n(" + denied + " file(s) were not searched: the Read permission rules deny them)";
        }
        if (output.entries() == 0) {
            return ToolResult.text("No matches found for pattern " + input.string("pattern") + " in " + root + "." + notes);
        }
        return ToolResult.text(output.render() + notes);
    }

    private static Options options(ToolInput input) throws ToolException {
        String pattern = input.string("pattern");
        boolean multiline = input.bool("multiline", false);
        int flags = 0;
        if (input.bool("-i", false)) {
            flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        }
        if (multiline) {
            flags |= Pattern.MULTILINE | Pattern.DOTALL;
        }
        Pattern regex;
        try {
            regex = Pattern.compile(pattern, flags);
        } catch (PatternSyntaxException e) {
            throw new ToolException("Invalid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " in pattern " + pattern
                    + ". Grep uses Java regex syntax; escape literal ( ) [ ] { } . * + ? | \\ with a backslash.");
        }
        Mode mode = switch (input.optionalString("output_mode").orElse("files_with_matches")) {
            case "content" -> Mode.CONTENT;
            case "count" -> Mode.COUNT;
            case "files_with_matches" -> Mode.FILES_WITH_MATCHES;
            default -> throw new ToolException("output_mode must be content, files_with_matches or count.");
        };
        int context = nonNegative(input, "-C").orElse(0);
        int before = nonNegative(input, "-B").orElse(context);
        int after = nonNegative(input, "-A").orElse(context);
        long offset = nonNegative(input, "offset").orElse(0);
        long headLimit = nonNegative(input, "head_limit").orElse(0);
        return new Options(regex, mode, input.bool("-n", true), before, after, multiline, offset, headLimit);
    }

    private static Optional<Integer> nonNegative(ToolInput input, String name) throws ToolException {
        Optional<Integer> value = input.optionalInt(name);
        if (value.isPresent() && value.get() < 0) {
            throw new ToolException(name + " must not be negative.");
        }
        return value;
    }

    private static List<FileWalker.Found> filesToSearch(Path root, ToolInput input, ToolContext context) throws Exception {
        FileWalker walker = new FileWalker(root, context.cancellation());
        if (Files.isRegularFile(root)) {
            // A file named explicitly is searched whatever the filters and ignore files say - unless it
            // is empty, or a kernel file that says it is (and may block a reader forever, like /proc/kmsg).
            if (Files.size(root) == 0) {
                return List.of();
            }
            return List.of(new FileWalker.Found(root, root.getFileName().toString(),
                    Files.readAttributes(root, java.nio.file.attribute.BasicFileAttributes.class)));
        }
        Optional<String> globText = input.optionalString("glob").map(String::trim).filter(g -> !g.isEmpty());
        boolean excludeGlob = globText.isPresent() && globText.get().startsWith("!");
        GlobPattern glob = null;
        if (globText.isPresent()) {
            String g = excludeGlob ? globText.get().substring(1) : globText.get();
            try {
                glob = GlobPattern.compile(g.contains("/") ? g.replaceFirst("^\\./", "") : "**/" + g);
            } catch (IllegalArgumentException e) {
                throw new ToolException("Invalid glob: " + e.getMessage());
            }
        }
        Optional<List<String>> endings = Optional.empty();
        Optional<String> type = input.optionalString("type").filter(t -> !t.isBlank());
        if (type.isPresent()) {
            endings = FileTypes.endings(type.get().trim());
            if (endings.isEmpty()) {
                throw new ToolException("Unknown file type '" + type.get() + "'. Known types: " + FileTypes.knownNames()
                        + ". Or use glob, e.g. \"*.ext\".");
            }
        }
        List<FileWalker.Found> files = new ArrayList<>();
        GlobPattern finalGlob = glob;
        Optional<List<String>> finalEndings = endings;
        walker.walk(root, found -> {
            if (found.attributes().size() == 0) {
                // Nothing to find in an empty file; and a "file" of size 0 that has content is a kernel
                // one (/proc, /sys), some of which block a reader forever (/proc/kmsg).
                return;
            }
            if (finalGlob != null && finalGlob.matches(found.relative()) == excludeGlob) {
                return;
            }
            if (finalEndings.isPresent() && !FileTypes.matches(finalEndings.get(), found.path().getFileName().toString())) {
                return;
            }
            files.add(found);
        });
        context.cancellation().throwIfCancelled();
        files.sort(Comparator.comparing(FileWalker.Found::relative));
        return files;
    }
}
