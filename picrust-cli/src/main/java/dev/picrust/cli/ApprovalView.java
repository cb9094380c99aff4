package dev.picrust.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.permission.DisplayText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a permission request shows the human who must judge it: a Bash command whole; a Write's file
 * and its content; an Edit's or MultiEdit's file and a unified diff of the change against the file
 * as it is on disk now; otherwise the path, URL, pattern or the input as JSON. Every line is escaped
 * through {@link DisplayText} (a carriage return or an ANSI sequence cannot redraw the prompt) and
 * long lines are wrapped. A command is never cut (a hidden tail is how a spoof works); content and
 * diffs are cut after a screenful, saying how many lines were left out.
 */
final class ApprovalView {
    /** Long lines are wrapped at this width, never cut. */
    static final int WRAP_COLUMNS = 100;
    /** Content and diff lines shown before "… N more lines". */
    static final int SCREENFUL = 40;
    /** A file larger than this is not read to make a diff; the edit's own strings are shown. */
    private static final long MAX_DIFF_BYTES = 4L << 20;

    private ApprovalView() {}

    static String render(String toolName, JsonNode input, Path workingDirectory) {
        StringBuilder out = new StringBuilder();
        switch (toolName) {
            case "Write" -> {
                if (input.path("file_path").isTextual() && input.path("content").isTextual()) {
                    block(out, "Write file_path", List.of(input.get("file_path").asText()), Integer.MAX_VALUE);
                    List<String> content = splitLines(input.get("content").asText());
                    block(out, "content (" + content.size() + (content.size() == 1 ? " line)" : " lines)"), content,
                            SCREENFUL);
                    return out.toString();
                }
            }
            case "Edit", "MultiEdit" -> {
                List<JsonNode> edits = edits(toolName, input);
                if (input.path("file_path").isTextual() && !edits.isEmpty()) {
                    String path = input.get("file_path").asText();
                    block(out, toolName + " file_path", List.of(path), Integer.MAX_VALUE);
                    diff(out, resolve(path, workingDirectory), edits);
                    return out.toString();
                }
            }
            default -> { }
        }
        String what = input.toString();
        String label = "input";
        for (String field : List.of("command", "file_path", "notebook_path", "path", "url", "pattern")) {
            if (input.path(field).isTextual()) {
                what = input.get(field).asText();
                label = field;
                break;
            }
        }
        block(out, toolName + " " + label, splitLines(what), Integer.MAX_VALUE);
        return out.toString();
    }

    private static List<JsonNode> edits(String toolName, JsonNode input) {
        List<JsonNode> edits = new ArrayList<>();
        if (toolName.equals("Edit")) {
            edits.add(input);
        } else {
            input.path("edits").forEach(edits::add);
        }
        return edits.stream().allMatch(e -> e.path("old_string").isTextual() && e.path("new_string").isTextual())
                ? edits : List.of();
    }

    /** The diff of the edits applied in order to the file as it is now, or what stops them applying. */
    private static void diff(StringBuilder out, Path file, List<JsonNode> edits) {
        String before;
        try {
            before = Files.size(file) > MAX_DIFF_BYTES ? null : Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            before = null;  // missing, unreadable or not UTF-8: the strings below are all there is to show
        }
        String after = before == null ? null : before.replace("\r\n", "\n");
        List<String> problems = new ArrayList<>();
        for (JsonNode edit : edits) {
            if (after == null) {
                break;
            }
            String oldString = edit.get("old_string").asText().replace("\r\n", "\n");
            String newString = edit.get("new_string").asText().replace("\r\n", "\n");
            int at = oldString.isEmpty() ? -1 : after.indexOf(oldString);
            if (at < 0) {
                problems.add("old_string is not in the file as it is now: this edit will fail");
                after = null;
            } else if (edit.path("replace_all").asBoolean(false)) {
                after = after.replace(oldString, newString);
            } else if (after.indexOf(oldString, at + 1) >= 0) {
                problems.add("old_string occurs more than once and replace_all is not set: this edit will fail");
                after = null;
            } else {
                after = after.substring(0, at) + newString + after.substring(at + oldString.length());
            }
        }
        if (after != null) {
            List<String> lines = UnifiedDiff.of(before, after);
            block(out, "change (unified diff against the file on disk)", lines.isEmpty() ? List.of("(no change)") : lines,
                    SCREENFUL);
            return;
        }
        if (before == null) {
            problems.add(0, "the file cannot be read now (missing, too large or not UTF-8), so no diff is shown");
        }
        out.append("  (").append(DisplayText.escape(String.join("; ", problems))).append(")\n");
        List<String> strings = new ArrayList<>();
        for (JsonNode edit : edits) {
            splitLines(edit.get("old_string").asText()).forEach(l -> strings.add("-" + l));
            splitLines(edit.get("new_string").asText()).forEach(l -> strings.add("+" + l));
        }
        block(out, "old_string (-) and new_string (+)", strings, SCREENFUL);
    }

    private static Path resolve(String path, Path workingDirectory) {
        String expanded = path.equals("~") || path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
        return workingDirectory.resolve(expanded).normalize();
    }

    /** Lines as they are: a carriage return stays in its line, where it is shown escaped. */
    private static List<String> splitLines(String text) {
        String normalised = text;
        if (normalised.endsWith("\n") && normalised.length() > 1) {
            normalised = normalised.substring(0, normalised.length() - 1);
        }
        return List.of(normalised.split("\n", -1));
    }

    /** A label, then the lines (escaped, wrapped), at most {@code limit} of them and a count of the rest. */
    private static void block(StringBuilder out, String label, List<String> lines, int limit) {
        out.append("  ").append(label).append(":\n");
        int shown = Math.min(lines.size(), limit);
        for (String line : lines.subList(0, shown)) {
            String escaped = DisplayText.escape(line);
            int start = 0;
            do {
                int end = Math.min(escaped.length(), start + WRAP_COLUMNS);
                out.append("    | ").append(escaped, start, end).append('\n');
                start = end;
            } while (start < escaped.length());
        }
        int rest = lines.size() - shown;
        if (rest > 0) {
            out.append("    … ").append(rest).append(rest == 1 ? " more line\n" : " more lines\n");
        }
    }
}
