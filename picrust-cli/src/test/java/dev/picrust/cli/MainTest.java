package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command tree: only the invoked subcommand is built, and help, version and errors read as they
 * did when picocli built every subcommand for every start.
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
        return Main.SUBCOMMANDS.stream().map(Main.Subcommand::name).toList();
    }

    @Test
    void eachSubcommandIsListedUnderItsOwnCommandName() {
        for (Main.Subcommand s : Main.SUBCOMMANDS) {
            assertThat(new CommandLine(s.create().get()).getCommandName()).isEqualTo(s.name());
        }
        assertThat(names()).containsExactly("run", "chat", "demo", "sessions", "permissions", "config", "models",
                "bench", "mcp", "help");
    }

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        assertThat(Main.commandLine(new String[] {"run", "--model", "x", "hello"}).getSubcommands().keySet())
                .containsExactly("run");
        assertThat(Main.commandLine(new String[] {"sessions"}).getSubcommands().keySet()).containsExactly("sessions");
    }

    @Test
    void helpVersionNoCommandAndUnknownCommandsGetTheWholeTree() {
        for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"--version"},
                new String[] {"help", "run"}, new String[] {"runn"}, new String[] {"@args.txt"})) {
            assertThat(Main.commandLine(args).getSubcommands().keySet()).as(String.join(" ", args))
                    .containsExactlyElementsOf(names());
        }
    }

    @Test
    void helpListsEveryCommandInOrder() {
        Result help = execute("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: picrust [-hV] [COMMAND]");
        int last = -1;
        for (String name : names()) {
            int at = help.out().indexOf("\n  " + name + " ");
            assertThat(at).as(name).isGreaterThan(last);
            last = at;
        }
    }

    @Test
    void helpAboutOneCommandAndItsOwnHelpAgree() {
        Result viaHelp = execute("help", "run");
        Result own = execute("run", "--help");
        assertThat(viaHelp.code()).isZero();
        assertThat(own.code()).isZero();
        assertThat(own.out()).startsWith("Usage: picrust run").isEqualTo(viaHelp.out());
    }

    @Test
    void versionIsPrinted() {
        Result version = execute("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).isNotBlank().isEqualTo(execute("run", "--version").out());
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageError() {
        Result command = execute("frobnicate");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err()).contains("Unmatched argument at index 0: 'frobnicate'");
        Result option = execute("run", "--bogus", "x");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("Unknown option: '--bogus'").contains("Usage: picrust run");
    }
}
