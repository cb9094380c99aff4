package dev.picrust.cli;

import dev.picrust.secret.Redactor;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code picrust} command. Its subcommands are added here rather than named in {@code @Command}:
 * picocli builds a command's whole model (reflection over every option of every subcommand) before it
 * parses anything, and most of a short {@code picrust run}'s start went there. When the first
 * argument names a subcommand only that one is built; help, version, a bare {@code picrust} and
 * unknown commands get the whole tree, so what they print is unchanged.
 */
@Command(name = "picrust", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run PiCrust agents: AI employees with tools, hooks, permissions and durable sessions.")
public final class Main implements Runnable {

    /** A subcommand by its {@code @Command} name, made only when it is needed. */
    record Subcommand(String name, Supplier<Object> create) {}

    /**
     * Every subcommand, in the order the help lists them. Lambdas, not constructor references: the
     * start-up cache cannot hold picocli's classes (class files of Java 5), and JDK 25 crashes writing
     * a cache whose resolved method reference points at one ({@code HelpCommand::new}).
     */
    static final List<Subcommand> SUBCOMMANDS = List.of(
            new Subcommand("run", () -> new RunCommand()),
            new Subcommand("chat", () -> new ChatCommand()),
            new Subcommand("demo", () -> new DemoCommand()),
            new Subcommand("sessions", () -> new SessionsCommand()),
            new Subcommand("permissions", () -> new PermissionsCommand()),
            new Subcommand("config", () -> new ConfigCommand()),
            new Subcommand("models", () -> new ModelsCommand()),
            new Subcommand("bench", () -> new BenchCommand()),
            new Subcommand("mcp", () -> new McpCommand()),
            new Subcommand("help", () -> new CommandLine.HelpCommand()));

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests that run it in-process). */
    public static int execute(String... args) {
        String[] effective = withDefaultCommand(args);
        return execute(commandLine(effective), effective);
    }

    /** As {@link #execute(String...)}, with the commands' own output going to {@code out} and {@code err}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        String[] effective = withDefaultCommand(args);
        CommandLine cli = commandLine(effective);
        cli.setOut(out);
        cli.setErr(err);
        return execute(cli, effective);
    }

    /** {@code picrust} alone at a terminal opens the chat, as claude and pi do. */
    private static String[] withDefaultCommand(String[] args) {
        return args.length == 0 && TerminalApprover.stdinIsTerminal() ? new String[] {"chat"} : args;
    }

    /**
     * The command tree {@code args} need: {@code picrust} with just the subcommand the first argument
     * names, or with all of them when it names none ({@code --help}, {@code --version}, {@code help},
     * no argument, a typo) or asks for help about them ({@code help}).
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        Optional<Subcommand> invoked = args.length == 0 || args[0].equals("help") ? Optional.empty()
                : SUBCOMMANDS.stream().filter(s -> s.name().equals(args[0])).findFirst();
        invoked.map(List::of).orElse(SUBCOMMANDS).forEach(s -> cli.addSubcommand(s.name(), s.create().get()));
        return cli;
    }

    private static int execute(CommandLine cli, String... args) {
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
