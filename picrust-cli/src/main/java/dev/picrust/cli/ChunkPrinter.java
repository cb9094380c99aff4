package dev.picrust.cli;

import dev.picrust.permission.DisplayText;
import dev.picrust.runtime.OutputChunk;
import dev.picrust.runtime.OutputChunkJson;
import java.io.PrintStream;

/** Renders an agent's output chunks for a terminal or a program. */
sealed interface ChunkPrinter {

    void print(OutputChunk chunk);

    static ChunkPrinter forFormat(OutputFormat format, PrintStream out, PrintStream err) {
        return switch (format) {
            case TEXT -> new Text(out, err);
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

    /** The answer on stdout; tool activity and status on stderr, so stdout pipes cleanly. */
    record Text(PrintStream out, PrintStream err) implements ChunkPrinter {
        private static final int PREVIEW = 200;

        @Override
        public void print(OutputChunk chunk) {
            switch (chunk) {
                case OutputChunk.TextDelta c -> {
                    out.print(c.text());
                    out.flush();
                }
                case OutputChunk.ToolStart c -> err.println("\n> " + c.name() + " " + preview(c.input().toString()));
                case OutputChunk.ToolEnd c -> err.println((c.isError() ? "  ! " : "  = ")
                        + preview(OutputChunkJson.contentText(c.content())));
                case OutputChunk.Status c -> err.println("[" + c.code() + "] " + c.message());
                case OutputChunk.Error c -> err.println("error: " + c.message());
                case OutputChunk.PermissionDecision c -> {
                    if (c.decision().equals("deny")) {
                        err.println("  denied " + c.toolName() + ": " + c.detail());
                    }
                }
                case OutputChunk.FilePresented c -> err.println("[file] " + c.fileName() + " -> " + c.path());
                case OutputChunk.Done c -> out.println();
                default -> { }
            }
        }

        /** One line, escape sequences shown escaped (a tool's output must not be able to redraw the terminal). */
        private static String preview(String s) {
            String oneLine = DisplayText.escape(s.replace('\n', ' '));
            int end = Math.min(oneLine.length(), PREVIEW);
            if (end < oneLine.length() && Character.isHighSurrogate(oneLine.charAt(end - 1))) {
                end--;
            }
            return end < oneLine.length() ? oneLine.substring(0, end) + "..." : oneLine;
        }
    }
}
