package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Glob {@code {pattern, path?}}: files (not folders) under {@code path} whose relative path matches
 * the pattern, newest first, honouring {@code .gitignore}, at most {@link #MAX_RESULTS}.
 */
final class GlobTool extends BuiltinTool {
    public static final int MAX_RESULTS = 1000;

    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "pattern": {"type": "string", "description": "The glob pattern to match files against, e.g. \\"**/*.java\\" or \\"src/**/*.{ts,tsx}\\""},
                "path": {"type": "string", "description": "The folder to search in (default: the working directory). Omit it for the default; do not pass \\"null\\" or \\"undefined\\""}
              },
              "required": ["pattern"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Fast file pattern matching for any codebase size.

            - Supports glob patterns like "**/*.js" or "src/**/*.{ts,tsx}": `*` matches within one folder name, `**` across any number of folders (including none), `{a,b}` alternatives, `[abc]` character sets.
            - The pattern is matched against paths relative to `path`; "*.java" matches only at the top level, "**/*.java" at any depth.
            - Returns matching files (not folders) as absolute paths, most recently modified first, at most 1000.
            - Files ignored by .gitignore and .git folders are skipped.
            - Use it to find files by name; use Grep to search their contents.""";

    public GlobTool() {
        super("Glob", DESCRIPTION, SCHEMA);
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
        String pattern = input.string("pattern").trim();
        if (pattern.isEmpty()) {
            throw new ToolException("pattern must not be empty.");
        }
        Path base = context.resolvePath(input.optionalString("path").filter(p -> !p.isBlank()).orElse("."));
        if (pattern.startsWith("/")) {
            // An absolute pattern: its literal folders become the base.
            String prefix = GlobPattern.literalDirectoryPrefix(pattern);
            base = context.resolvePath(prefix.isEmpty() ? "/" : prefix);
            pattern = pattern.substring(prefix.length()).replaceFirst("^/+", "");
        }
        while (pattern.startsWith("./")) {
            pattern = pattern.substring(2);
        }
        if (!Files.exists(base)) {
            throw new ToolException("Path does not exist: " + base);
        }
        if (!Files.isDirectory(base)) {
            throw new ToolException(base + " is a file, not a folder; give the folder to search in as path.");
        }
        GlobPattern glob;
        try {
            glob = GlobPattern.compile(pattern);
        } catch (IllegalArgumentException e) {
            throw new ToolException("Invalid glob pattern: " + e.getMessage());
        }
        String prefix = GlobPattern.literalDirectoryPrefix(pattern);
        Path start = prefix.isEmpty() ? base : base.resolve(prefix);
        record Match(Path path, long modified) {}
        List<Match> matches = new ArrayList<>();
        if (Files.isDirectory(start)) {
            FileWalker walker = new FileWalker(base, context.cancellation());
            walker.walk(start, found -> {
                if (glob.matches(found.relative())) {
                    matches.add(new Match(found.path(), found.attributes().lastModifiedTime().toMillis()));
                }
            });
        }
        context.cancellation().throwIfCancelled();
        int denied = matches.size();
        matches.removeIf(m -> !context.mayRead(m.path()));
        denied -= matches.size();
        String deniedNote = denied == 0 ? ""
                : "(" + denied + " matching file(s) not listed: the Read permission rules deny them)\n";
        if (matches.isEmpty()) {
            return ToolResult.text("No files found matching " + pattern + " in " + base + "."
                    + (deniedNote.isEmpty() ? "" : "\n" + deniedNote));
        }
        matches.sort(Comparator.comparingLong(Match::modified).reversed().thenComparing(Match::path));
        StringBuilder out = new StringBuilder();
        int shown = Math.min(MAX_RESULTS, matches.size());
        for (int i = 0; i < shown; i++) {
            out.append(matches.get(i).path()).append('\n');
        }
        if (matches.size() > shown) {
            out.append("... and ").append(matches.size() - shown).append(" more (showing the ").append(shown)
                    .append(" most recently modified; use a narrower pattern or path)\n");
        }
        return ToolResult.text(out.append(deniedNote).toString());
    }
}
