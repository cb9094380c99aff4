package dev.picrust.tool.builtin;

import dev.picrust.tool.Tool;
import java.nio.file.Path;
import java.util.List;

/**
 * The built-in tools: the nine PiCrust ships ({@code Bash, Read, Write, Edit, Glob, Grep, TodoWrite,
 * PresentFile, AskUserQuestion}) plus {@code MultiEdit}, {@code BashOutput} and {@code KillBash}.
 * Tools are stateless and may be shared by many agents; per-agent state (files read, background
 * shells) lives in {@link dev.picrust.tool.ToolContext#agentResource}.
 */
public final class BuiltinTools {
    private BuiltinTools() {}

    /** All twelve, with long Bash outputs saved under {@link BashTool#defaultOutputDirectory()}. */
    public static List<Tool> all() {
        return all(BashTool.defaultOutputDirectory());
    }

    /** All twelve, with long Bash outputs and background logs saved under {@code outputDirectory}. */
    public static List<Tool> all(Path outputDirectory) {
        return List.of(
                new BashTool(outputDirectory),
                new BashOutputTool(),
                new KillBashTool(),
                new ReadTool(),
                new WriteTool(),
                new EditTool(),
                new MultiEditTool(),
                new GlobTool(),
                new GrepTool(),
                new TodoWriteTool(),
                new PresentFileTool(),
                new AskUserQuestionTool());
    }

    /** Only the tools that observe: Read, Glob, Grep (for read-only agents and subagents). */
    public static List<Tool> readOnly() {
        return List.of(new ReadTool(), new GlobTool(), new GrepTool());
    }

    /** The names of {@link #all()}, in order. */
    public static List<String> names() {
        return all().stream().map(Tool::name).toList();
    }
}
