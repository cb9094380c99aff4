package dev.picrust.tool.builtin;

import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** BashOutput {@code {bash_id, filter?}}: new output of a background shell since the last read, and its status. */
final class BashOutputTool extends BuiltinTool {
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "bash_id": {"type": "string", "description": "The ID of the background shell (from Bash with run_in_background)"},
                "filter": {"type": "string", "description": "Optional regular expression: only output lines matching it are returned (the others are discarded)"}
              },
              "required": ["bash_id"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Reads output from a background shell started with Bash run_in_background.

            - Returns only the output produced since the last BashOutput call for that shell, plus its status (running, exited with its exit code, or killed).
            - filter keeps only lines matching a regular expression.""";

    public BashOutputTool() {
        super("BashOutput", DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    /** Each read consumes output, so two reads must not interleave. */
    @Override
    public boolean concurrencySafe() {
        return false;
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        String id = input.string("bash_id");
        Optional<Pattern> filter = Optional.empty();
        Optional<String> filterText = input.optionalString("filter").filter(f -> !f.isEmpty());
        if (filterText.isPresent()) {
            try {
                filter = Optional.of(Pattern.compile(filterText.get()));
            } catch (PatternSyntaxException e) {
                throw new ToolException("Invalid filter regular expression: " + e.getDescription());
            }
        }
        BackgroundShells shells = context.agentResource(BackgroundShells.class, BackgroundShells::new);
        BackgroundShell shell = shells.find(id).orElseThrow(() -> unknownShell(id, shells));
        BackgroundShell.Update update = shell.readNew(filter);
        String status = switch (update.status()) {
            case RUNNING -> "running";
            case EXITED -> "exited with code " + update.exitCode().orElse(-1);
            case KILLED -> "killed";
        };
        String output = update.output().isEmpty() ? "(no new output)\n" : update.output();
        return ToolResult.text("Shell " + id + " (" + shell.command() + "): " + status + "\n"
                + (output.endsWith("\n") ? output : output + "\n"));
    }

    static ToolException unknownShell(String id, BackgroundShells shells) {
        var ids = shells.list().stream().map(BackgroundShell::id).toList();
        return new ToolException("No background shell with ID " + id + ". "
                + (ids.isEmpty() ? "None has been started." : "Known: " + String.join(", ", ids) + "."));
    }
}
