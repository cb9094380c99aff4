package dev.picrust.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputChunkJson;
import dev.picrust.permission.DisplayText;
import dev.picrust.event.PermissionBehavior;
import java.io.PrintStream;
import java.util.Optional;

/** Renders an agent's output chunks for a terminal or a program. */
sealed interface ChunkPrinter {

    void print(OutputChunk chunk);

    /** A human is about to be asked something: nothing may draw over the question. */
    default void pause() {}

    static ChunkPrinter forFormat(OutputFormat format, PrintStream out, PrintStream err) {
        return forFormat(format, out, err, TerminalStyle.PLAIN, Optional.empty());
    }

    static ChunkPrinter forFormat(OutputFormat format, PrintStream out, PrintStream err, TerminalStyle style,
                                  Optional<Spinner> spinner) {
        return switch (format) {
            case TEXT -> new Text(out, err, style, spinner);
            case JSONL -> new Jsonl(out);
        };
    }

    enum OutputFormat { TEXT, JSONL }

    /** One JSON object per chunk, one per line: the documented output vocabulary. */
    record Jsonl(PrintStream out) implements ChunkPrinter {
        @Override
        public void print(OutputChunk chunk) {
            out.println(OutputChunkJson.toJsonLine(chunk));
            out.flush();
        }
    }

    /**
     * The answer on stdout; tool activity and status on stderr, so stdout pipes cleanly. On a terminal
     * (one stream for both, with a spinner) tool calls, their live output and todo lists are shown as
     * they happen, in colour unless {@code NO_COLOR} is set.
     */
    final class Text implements ChunkPrinter {
        private static final int PREVIEW = 200;
        private static final int PROGRESS_LINES = 8;

        private final PrintStream out;
        private final PrintStream err;
        private final TerminalStyle style;
        private final Optional<Spinner> spinner;
        private boolean midLine;
        private int progressLines;

        Text(PrintStream out, PrintStream err, TerminalStyle style, Optional<Spinner> spinner) {
            this.out = out;
            this.err = err;
            this.style = style;
            this.spinner = spinner;
        }

        @Override
        public void print(OutputChunk chunk) {
            switch (chunk) {
                case OutputChunk.TextDelta c -> {
                    answer(c.text());
                    working("thinking");
                }
                case OutputChunk.ToolStart c -> {
                    progressLines = 0;
                    activity(style.tool("● " + c.name()) + " " + preview(summary(c.input())));
                    working("running " + c.name());
                }
                case OutputChunk.ToolProgress c -> {
                    // The first lines of live output, then silence: the result line follows at the end.
                    for (String line : c.output().split("\n", -1)) {
                        if (!line.isBlank() && progressLines++ < PROGRESS_LINES) {
                            activity(style.dim("  │ " + preview(line)));
                        }
                    }
                }
                case OutputChunk.ToolEnd c -> {
                    String result = preview(OutputChunkJson.contentText(c.content()));
                    activity(c.isError() ? style.error("  ! " + result) : style.dim("  = " + result));
                    working("thinking");
                }
                case OutputChunk.Status c -> activity(style.warning("[" + c.code().wireName() + "] " + c.message()));
                case OutputChunk.Error c -> activity(style.error("error: " + c.message()));
                case OutputChunk.PermissionDecided c -> {
                    if (c.decision() == PermissionBehavior.DENY) {
                        activity(style.error("  denied " + c.toolName() + ": " + c.detail()));
                    }
                }
                case OutputChunk.PermissionRequest c -> pause();
                case OutputChunk.Question c -> pause();
                case OutputChunk.TodoUpdate c -> todos(c.todos());
                case OutputChunk.FilePresented c -> activity("[file] " + c.fileName() + " -> " + c.path());
                case OutputChunk.Done c -> {
                    spinner.ifPresent(Spinner::idle);
                    endLine();
                }
                default -> { }
            }
        }

        @Override
        public void pause() {
            spinner.ifPresent(Spinner::idle);
            endLine();
        }

        private void todos(JsonNode todos) {
            StringBuilder list = new StringBuilder(style.bold("Todos"));
            for (JsonNode todo : todos) {
                String status = todo.path("status").asText();
                String mark = switch (status) {
                    case "completed" -> style.ok("☒ ") + style.dim(todo.path("content").asText());
                    case "in_progress" -> style.tool("◐ ") + style.bold(todo.path("activeForm").asText(
                            todo.path("content").asText()));
                    default -> "☐ " + todo.path("content").asText();
                };
                list.append("\n  ").append(mark);
            }
            activity(list.toString());
        }

        private void answer(String text) {
            if (spinner.isPresent()) {
                spinner.get().print(text);
            } else {
                out.print(text);
                out.flush();
            }
            if (!text.isEmpty()) {
                midLine = !text.endsWith("\n");
            }
        }

        /** One line of activity on stderr, starting on a line of its own. */
        private void activity(String line) {
            String text = (midLine ? "\n" : "") + line + "\n";
            midLine = false;
            if (spinner.isPresent()) {
                spinner.get().print(text);
            } else {
                out.flush();
                err.print(text);
                err.flush();
            }
        }

        private void endLine() {
            if (midLine) {
                answer("\n");
            } else if (spinner.isEmpty()) {
                out.println();  // keeps run's stdout ending in a newline, as before
            }
            midLine = false;
        }

        private void working(String label) {
            spinner.ifPresent(s -> s.working(label));
        }

        /** What a call does in one line: its command, path or pattern, else its input as JSON. */
        private static String summary(JsonNode input) {
            for (String field : new String[] {"command", "file_path", "path", "pattern", "url", "description"}) {
                if (input.path(field).isTextual()) {
                    return input.get(field).asText();
                }
            }
            return input.toString();
        }

        /**
         * One line of at most {@link #PREVIEW} characters. Control and format characters are shown escaped
         * ({@link DisplayText}): a tool's input or output must not move the cursor, erase lines or reverse text.
         */
        static String preview(String s) {
            String visible = DisplayText.escape(s.replace('\n', ' ').replace('\t', ' '));
            if (visible.length() <= PREVIEW) {
                return visible;
            }
            int end = Character.isHighSurrogate(visible.charAt(PREVIEW - 1)) ? PREVIEW - 1 : PREVIEW;
            return visible.substring(0, end) + "...";
        }
    }
}
