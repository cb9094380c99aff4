package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The shared work of Edit and MultiEdit: guard, read, apply every edit in memory, write once
 * atomically. Either all edits land or none does.
 */
final class FileEditor {
    private static final int CONTEXT_LINES = 3;
    private static final int MAX_EXCERPT_LINES = 40;

    private FileEditor() {}

    static ToolResult apply(ToolContext context, String filePath, List<StringEdit> edits) throws Exception {
        Path file = context.resolvePath(filePath);
        for (int i = 0; i < edits.size(); i++) {
            try {
                edits.get(i).validate();
            } catch (ToolException e) {
                throw new ToolException(prefix(i, edits.size()) + e.getMessage());
            }
        }
        TextFile text = TextFile.read(file);
        FileReadTracker tracker = FileReadTracker.of(context);
        Optional<String> refusal = tracker.whyNotWritable(file);
        if (refusal.isPresent()) {
            throw new ToolException(refusal.get());
        }
        boolean crlf = text.usesCrlf();
        String content = text.content();
        int replacements = 0;
        int firstLine = Integer.MAX_VALUE;
        int lastChangedLines = 0;
        for (int i = 0; i < edits.size(); i++) {
            StringEdit.Applied applied;
            try {
                applied = edits.get(i).applyTo(content, crlf, file.toString());
            } catch (ToolException e) {
                String unchanged = edits.size() > 1 ? " No edits were applied; the file is unchanged." : "";
                throw new ToolException(prefix(i, edits.size()) + e.getMessage() + unchanged);
            }
            content = applied.content();
            replacements += applied.replacements();
            if (applied.firstLine() < firstLine) {
                firstLine = applied.firstLine();
                lastChangedLines = (int) applied.insertedText().lines().count();
            }
        }
        AtomicWrite.write(file, text.encode(content));
        tracker.record(file, FileReadTracker.snapshotOf(file));
        int from = firstLine - CONTEXT_LINES;
        int to = Math.min(firstLine + Math.max(lastChangedLines, 1) - 1 + CONTEXT_LINES, from + MAX_EXCERPT_LINES);
        return ToolResult.text("The file " + file + " has been updated (" + replacements + " replacement"
                + (replacements == 1 ? "" : "s") + "). The result around line " + firstLine + ":\n"
                + NumberedLines.excerpt(content, from, to));
    }

    private static String prefix(int index, int total) {
        return total > 1 ? "Edit " + (index + 1) + " of " + total + ": " : "";
    }
}
