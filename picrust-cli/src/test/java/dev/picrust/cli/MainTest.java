package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.cli.args.Command;
import dev.picrust.cli.args.Parameter;
import dev.picrust.cli.args.Subcommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code picrust} command tree as the user meets it: every command answers {@code --help} with
 * each of its options, descriptions and defaults; version and usage errors read the same everywhere.
 */
class MainTest {

    record Result(int code, String out, String err) {}

    private static Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static List<String> names() {
        return Main.SUBCOMMANDS.stream().map(Subcommand::name).toList();
    }

    @Test
    void eachSubcommandIsDeclaredUnderItsOwnCommandName() {
        for (Subcommand s : Main.SUBCOMMANDS) {
            assertThat(s.create().get().name()).isEqualTo(s.name());
        }
        assertThat(names()).containsExactly("run", "chat", "demo", "sessions", "permissions", "config", "models",
                "bench", "mcp");
    }

    @Test
    void helpListsEveryCommandInOrder() {
        Result help = execute("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("Usage: picrust [-hV] [COMMAND]\n" + Main.DESCRIPTION.substring(0, 40));
        int last = -1;
        List<String> all = new ArrayList<>(names());
        all.add("help");
        for (String name : all) {
            int at = help.out().indexOf("\n  " + name + " ");
            assertThat(at).as(name).isGreaterThan(last);
            last = at;
        }
        assertThat(execute().out()).as("no arguments (and no terminal): the help").isEqualTo(help.out());
        assertThat(execute("help").out()).isEqualTo(help.out());
    }

    /** Every command at every depth, by its path from {@code picrust}. */
    private static List<List<String>> commandPaths(List<String> path, Command command) {
        List<List<String>> paths = new ArrayList<>(List.of(path));
        for (Subcommand s : command.subcommands()) {
            List<String> child = new ArrayList<>(path);
            child.add(s.name());
            paths.addAll(commandPaths(child, s.create().get()));
        }
        return paths;
    }

    private static Command command(List<String> path) {
        Command command = Main.root();
        for (String name : path) {
            command = command.subcommands().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow()
                    .create().get();
        }
        return command;
    }

    @Test
    void everyCommandsHelpShowsEachOptionWithItsDescriptionAndDefault() {
        List<List<String>> paths = commandPaths(List.of(), Main.root());
        assertThat(paths).hasSizeGreaterThan(15);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Result help = execute(args.toArray(String[]::new));
            assertThat(help.code()).as(args.toString()).isZero();
            assertThat(help.out()).startsWith(String.join(" ", List.of("Usage: picrust", String.join(" ", path))).strip());
            String flat = help.out().replaceAll("\\s+", " ");
            for (Parameter parameter : command(path).parameters()) {
                String expected = switch (parameter) {
                    case Parameter.Flag f -> String.join(", ", f.names()) + " " + f.description();
                    case Parameter.Single<?> s -> String.join(", ", s.names()) + "=" + s.label() + " "
                            + s.description().replace(Parameter.DEFAULT_VALUE, s.defaultValue().orElse("?"));
                    case Parameter.Repeated<?> r -> String.join(", ", r.names()) + "=" + r.label() + " " + r.description();
                    case Parameter.Positionals<?> p -> (p.min() == 0 ? "[" + p.label() + "...]" : p.label()) + " "
                            + p.description();
                };
                assertThat(flat).as(args.toString()).contains(expected.strip().replaceAll("\\s+", " "));
            }
            assertThat(flat).contains("-h, --help Show this help message and exit.")
                    .contains("-V, --version Print version information and exit.");
            for (String line : help.out().split("\n")) {
                assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
            }
        }
        assertThat(execute("run", "--help").out().replaceAll("\\s+", " "))
                .contains("--max-iterations=<maxIterations> Model calls allowed in this turn (default: 50).");
        assertThat(execute("permissions", "add", "--help").out().replaceAll("\\s+", " "))
                .contains("--agent-type=TYPE Agent type of a local rule (default: cli, the type of `picrust run`).");
    }

    @Test
    void helpAboutOneCommandAndItsOwnHelpAgree() {
        Result viaHelp = execute("help", "run");
        Result own = execute("run", "--help");
        assertThat(viaHelp.code()).isZero();
        assertThat(own.code()).isZero();
        assertThat(own.out()).startsWith("Usage: picrust run").isEqualTo(viaHelp.out());
        assertThat(execute("help", "mcp", "serve").out()).startsWith("Usage: picrust mcp serve")
                .isEqualTo(execute("mcp", "serve", "-h").out());
    }

    @Test
    void versionIsPrintedByEveryCommand() {
        Result version = execute("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("picrust ").contains("(Java " + Runtime.version() + ")");
        for (String[] args : List.of(new String[] {"run", "--version"}, new String[] {"-V"},
                new String[] {"sessions", "show", "-V"}, new String[] {"bench", "agents", "--version"})) {
            assertThat(execute(args).out()).isEqualTo(version.out());
        }
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageErrorNamingIt() {
        Result command = execute("frobnicate");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.out()).isEmpty();
        assertThat(command.err()).startsWith("picrust: unknown command 'frobnicate' (commands: run, chat, demo,")
                .endsWith("Try 'picrust --help' for more information.\n");
        Result option = execute("run", "--bogus", "x");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).isEqualTo("picrust: unknown option '--bogus'\n"
                + "Try 'picrust run --help' for more information.\n");
        Result number = execute("run", "--max-iterations", "many", "hello");
        assertThat(number.code()).isEqualTo(2);
        assertThat(number.err()).startsWith("picrust: invalid value for option '--max-iterations': 'many' is not an int\n");
        Result value = execute("sessions", "export", "--format");
        assertThat(value.code()).isEqualTo(2);
        assertThat(value.err()).startsWith("picrust: missing value for option '--format' (<format>)\n"
                + "Try 'picrust sessions export --help'");
        Result missing = execute("permissions", "add");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("picrust: missing parameter 'RULE'\n");
    }

    @Test
    void aCommandsOwnFailureKeepsItsExitCode() {
        Result run = execute("run", "--output", "xml", "hello");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("picrust: unknown --output 'xml' (use text or jsonl)\n");
        Result both = execute("run", "-c", "--resume", "abc", "hi");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("picrust: --continue and --resume cannot be used together\n");
    }
}
