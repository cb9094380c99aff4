package dev.picrust.cli;

import dev.picrust.cli.args.ArgumentParser;
import dev.picrust.cli.args.Command;
import dev.picrust.cli.args.Subcommand;
import dev.picrust.secret.Redactor;
import java.io.PrintWriter;
import java.util.List;

/**
 * The {@code picrust} command. Its arguments are read by {@link ArgumentParser} against declarations
 * in code (no reflection, no annotations), and only the subcommand the arguments name is built: a
 * short {@code picrust run} should spend its start on the run.
 */
public final class Main {
    private Main() {}

    static final String DESCRIPTION = "Run PiCrust agents: AI employees with tools, hooks, permissions and durable sessions.";

    /** Every subcommand, in the order the help lists them ({@code help} itself is the parser's). */
    static final List<Subcommand> SUBCOMMANDS = List.of(
            new Subcommand("run", () -> new RunCommand().declare()),
            new Subcommand("chat", () -> new ChatCommand().declare()),
            new Subcommand("demo", () -> new DemoCommand().declare()),
            new Subcommand("sessions", () -> new SessionsCommand().declare()),
            new Subcommand("permissions", PermissionsCommand::declare),
            new Subcommand("config", () -> new ConfigCommand().declare()),
            new Subcommand("models", () -> new ModelsCommand().declare()),
            new Subcommand("bench", BenchCommand::declare),
            new Subcommand("mcp", McpCommand::declare));

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests that run it in-process). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, with the commands' own output going to {@code out} and {@code err}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return new ArgumentParser(Version::text, Main::failure).execute(root(), List.of(withDefaultCommand(args)), out, err);
    }

    /** The {@code picrust} command: no action of its own, so alone it prints its help. */
    static Command root() {
        Command.Builder root = Command.named("picrust", DESCRIPTION);
        SUBCOMMANDS.forEach(s -> root.subcommand(s.name(), s.create()));
        return root.build();
    }

    /** {@code picrust} alone at a terminal opens the chat, as claude and pi do. */
    private static String[] withDefaultCommand(String[] args) {
        return args.length == 0 && TerminalApprover.stdinIsTerminal() ? new String[] {"chat"} : args;
    }

    /** A command's failure: one line on {@code err}, redacted; the exit code a {@link CliException} asks for, else 70. */
    private static int failure(Exception e, PrintWriter err) {
        if (e instanceof CliException ce) {
            err.println("picrust: " + Redactor.shared().redact(ce.getMessage()));
            return ce.exitCode();
        }
        err.println("picrust: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + Redactor.shared().redact(e.getMessage())));
        return 70;
    }
}
