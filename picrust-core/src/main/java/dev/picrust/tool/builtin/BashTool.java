package dev.picrust.tool.builtin;

import dev.picrust.Cancellation;
import dev.picrust.sandbox.SandboxException;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Bash {@code {command, timeout?, description?, run_in_background?}}: runs {@code bash -c command}
 * in the agent's working directory with stdin closed, stdout and stderr merged, inside the agent's
 * sandbox ({@link ToolContext#sandbox()}) and without the credentials its environment policy removes
 * ({@link ToolContext#environment()}). On timeout or
 * interrupt the command's whole process tree is killed; processes it leaves running in the
 * background when it ends are killed too (use {@code run_in_background} for long-lived ones).
 * Output is streamed live as {@code tool_progress} and returned capped at {@link #MAX_OUTPUT_CHARS}
 * (head and tail, with the full output saved to a file). A non-zero exit code, a timeout or an
 * interrupt make the result an error.
 */
public final class BashTool extends BuiltinTool {
    public static final long DEFAULT_TIMEOUT_MILLIS = 120_000;
    public static final long MAX_TIMEOUT_MILLIS = 600_000;
    public static final int MAX_OUTPUT_CHARS = 30_000;
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(100);
    private static final Duration READER_GRACE = Duration.ofSeconds(5);

    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "command": {"type": "string", "description": "The command to execute"},
                "timeout": {"type": "number", "description": "Optional timeout in milliseconds (default 120000, max 600000)"},
                "description": {"type": "string", "description": "Clear, concise description of what this command does in 5-10 words, in active voice"},
                "run_in_background": {"type": "boolean", "description": "Run the command in the background; read its output later with BashOutput"}
              },
              "required": ["command"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Executes a bash command and returns its output (stdout and stderr together) and exit code.

            - Each call runs `bash -c <command>` in a fresh shell in the working directory; shell state (cd, variables) does not carry over between calls. Chain dependent commands with && or use absolute paths.
            - stdin is closed: interactive commands and prompts will not work. Pass flags such as -y or --no-edit instead.
            - Default timeout 2 minutes, maximum 10 minutes (timeout in ms). On timeout the command and every process it started are killed.
            - Processes the command leaves running in the background (e.g. `server &`) are killed when it ends. For long-running processes (servers, watchers) set run_in_background to true; then use BashOutput to read their output and KillBash to stop them.
            - Output over 30,000 characters is cut in the middle; the full output is saved to a file whose path is given.
            - Quote paths containing spaces. Prefer Read, Edit, Write, Glob and Grep over cat, sed, echo >, find and grep.""";

    private final Path outputDirectory;

    /** Saves long outputs under {@code java.io.tmpdir/picrust-outputs}. */
    public BashTool() {
        this(defaultOutputDirectory());
    }

    /** @param outputDirectory where full outputs over the cap and background logs are saved */
    public BashTool(Path outputDirectory) {
        super("Bash", DESCRIPTION, SCHEMA);
        this.outputDirectory = outputDirectory;
    }

    public static Path defaultOutputDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "picrust-outputs");
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        String command = input.string("command");
        if (command.isBlank()) {
            throw new ToolException("command must not be empty.");
        }
        long requested = input.optionalLong("timeout").orElse(DEFAULT_TIMEOUT_MILLIS);
        long timeout = requested <= 0 ? DEFAULT_TIMEOUT_MILLIS : Math.min(requested, MAX_TIMEOUT_MILLIS);
        if (input.bool("run_in_background", false)) {
            return startInBackground(command, context);
        }
        return runInForeground(command, timeout, context);
    }

    private ToolResult startInBackground(String command, ToolContext context) throws IOException, ToolException {
        BackgroundShells shells = context.agentResource(BackgroundShells.class, BackgroundShells::new);
        BackgroundShell shell = shells.start(command, context.workingDirectory(), outputDirectory, context.sandbox(),
                context.environment());
        return ToolResult.text("Command running in background with ID: " + shell.id() + " (pid " + shell.pid()
                + "). Its output is also saved to " + shell.logFile() + ".\nUse BashOutput with bash_id \"" + shell.id()
                + "\" to read new output and KillBash with shell_id \"" + shell.id() + "\" to stop it. It is killed"
                + " when the agent stops.");
    }

    private ToolResult runInForeground(String command, long timeout, ToolContext context) throws Exception {
        Cancellation cancellation = context.cancellation();
        ShellProcess shell;
        try {
            shell = ShellProcess.start(command, context.workingDirectory(), context.sandbox(), context.environment(),
                    List.of(outputDirectory));
        } catch (IOException e) {
            throw new ToolException("Could not start bash: " + e.getMessage());
        } catch (SandboxException e) {
            throw new ToolException(e.getMessage());
        }
        CapturedOutput captured = new CapturedOutput(MAX_OUTPUT_CHARS, outputDirectory, "bash-" + context.toolUseId());
        boolean timedOut = false;
        boolean readerDone;
        try (LiveOutput live = new LiveOutput(context::progress, PROGRESS_INTERVAL);
             // The interrupting thread must not wait for the kill; this thread confirms it below.
             Cancellation.Registration ignored = cancellation.onCancel(
                     () -> Thread.ofVirtual().name("bash-kill-" + shell.pid()).start(shell::killTree))) {
            Thread reader = Thread.ofVirtual().name("bash-output-" + shell.pid())
                    .start(() -> pump(shell.output(), captured, live));
            try {
                if (!shell.process().waitFor(timeout, TimeUnit.MILLISECONDS)) {
                    timedOut = !cancellation.isCancelled();
                    shell.killTree();
                }
                shell.process().waitFor();
                if (cancellation.isCancelled()) {
                    shell.killTree();
                } else {
                    shell.killLeftovers();
                }
                readerDone = reader.join(READER_GRACE);
                if (!readerDone) {
                    closeQuietly(shell.output());
                }
            } catch (InterruptedException e) {
                shell.killTree();
                throw e;
            }
        }
        int exitCode = shell.process().exitValue();
        boolean interrupted = cancellation.isCancelled();
        StringBuilder out = new StringBuilder();
        String text = captured.render();
        out.append(text.isEmpty() ? "(no output)\n" : text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            out.append('\n');
        }
        if (!readerDone) {
            out.append("(Output may be incomplete: a process that detached from the command still holds its output open.)\n");
        }
        if (timedOut) {
            out.append("Command timed out after ").append(timeout).append(" ms; it and every process it started were killed.");
            return ToolResult.error(out.toString());
        }
        if (interrupted) {
            out.append("Command was interrupted; it and every process it started were killed.");
            return ToolResult.error(out.toString());
        }
        out.append("Exit code: ").append(exitCode);
        if (exitCode > 128 && exitCode < 160) {
            out.append(" (killed by signal ").append(exitCode - 128).append(')');
        }
        return exitCode == 0 ? ToolResult.text(out.toString()) : ToolResult.error(out.toString());
    }

    /** Copies the command's output, decoded as UTF-8 (malformed bytes become U+FFFD), to its consumers. */
    static void pump(InputStream in, CapturedOutput captured, LiveOutput live) {
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            int n;
            while ((n = reader.read(buffer)) > 0) {
                captured.append(buffer, 0, n);
                live.append(buffer, 0, n);
            }
        } catch (IOException e) {
            // The stream was closed under us (process killed, reader given up): the output ends here.
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing more to read either way
        }
    }
}
