package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolResult;

/** KillBash {@code {shell_id}}: stops a background shell and every process it started. */
final class KillBashTool extends BuiltinTool {
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "shell_id": {"type": "string", "description": "The ID of the background shell to kill"}
              },
              "required": ["shell_id"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = "Kills a background shell started with Bash run_in_background, and every"
            + " process it started, by its ID.";

    public KillBashTool() {
        super("KillBash", DESCRIPTION, SCHEMA);
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        String id = input.string("shell_id");
        BackgroundShells shells = context.agentResource(BackgroundShells.class, BackgroundShells::new);
        BackgroundShell shell = shells.find(id).orElseThrow(() -> BashOutputTool.unknownShell(id, shells));
        if (shell.kill()) {
            return ToolResult.text("Killed background shell " + id + " (" + shell.command() + ").");
        }
        BackgroundShell.Update update = shell.readNew(java.util.Optional.empty());
        return ToolResult.text("Background shell " + id + " had already "
                + (update.status() == BackgroundShell.Status.KILLED ? "been killed." : "exited with code "
                + update.exitCode().orElse(-1) + "."));
    }
}
