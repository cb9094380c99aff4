package dev.picrust.cli;

import dev.picrust.secret.Redactor;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code picrust} command. */
@Command(name = "picrust", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run PiCrust agents: AI employees with tools, hooks, permissions and durable sessions.",
        subcommands = {RunCommand.class, ChatCommand.class, DemoCommand.class, SessionsCommand.class, PermissionsCommand.class, ConfigCommand.class,
                ModelsCommand.class, BenchCommand.class, McpCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests that run it in-process). */
    public static int execute(String... args) {
        return execute(new CommandLine(new Main()), args);
    }

    /** As {@link #execute(String...)}, with the commands' own output going to {@code out} and {@code err}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        return execute(cli, args);
    }

    private static int execute(CommandLine cli, String... args) {
        if (args.length == 0 && TerminalApprover.stdinIsTerminal()) {
            args = new String[] {"chat"};  // `picrust` alone at a terminal opens the chat, as claude and pi do
        }
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException ce) {
                commandLine.getErr().println("picrust: " + Redactor.shared().redact(ce.getMessage()));
                return ce.exitCode();
            }
            commandLine.getErr().println("picrust: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + Redactor.shared().redact(e.getMessage())));
            return 70;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
