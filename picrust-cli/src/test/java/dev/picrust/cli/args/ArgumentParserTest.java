package dev.picrust.cli.args;

import static dev.picrust.cli.args.Parameter.flag;
import static dev.picrust.cli.args.Parameter.positional;
import static dev.picrust.cli.args.Parameter.positionals;
import static dev.picrust.cli.args.Parameter.repeated;
import static dev.picrust.cli.args.Parameter.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The parser on a small command tree of its own: each feature, each error. */
class ArgumentParserTest {

    /** What one parse bound: every field a declaration writes to. */
    static final class Bound {
        boolean verbose;
        boolean continueLatest;
        boolean keep;
        String model;
        Path dir;
        int iterations;
        Long calls;
        double cost;
        String output;
        final List<String> allow = new ArrayList<>();
        final List<String> words = new ArrayList<>();
        String id;
        Optional<Invocation> invocation = Optional.empty();
        String ran = "";
    }

    record Result(int code, String out, String err) {}

    final AtomicInteger runBuilt = new AtomicInteger();
    final AtomicInteger toolsBuilt = new AtomicInteger();
    Bound bound = new Bound();

    Command root() {
        return Command.named("tool", "A tool to test the parser.")
                .subcommand("run", () -> {
                    runBuilt.incrementAndGet();
                    return Command.named("run", "Run something.", "A second paragraph.")
                            .with(positionals("WORDS", ValueType.STRING, "What to do.", bound.words::add))
                            .with(flag("--verbose", "Say more.", () -> bound.verbose = true))
                            .with(flag("-c, --continue", "Continue.", () -> bound.continueLatest = true))
                            .with(flag("-k", "Keep.", () -> bound.keep = true))
                            .with(single("--model", ValueType.STRING, "The model.", v -> bound.model = v))
                            .with(single("-d, --dir", ValueType.PATH, "A folder.", v -> bound.dir = v).label("DIR"))
                            .with(single("--max-iterations", ValueType.INT, "Calls (default: ${DEFAULT-VALUE}).",
                                    v -> bound.iterations = v).defaultValue("50"))
                            .with(single("--max-calls", ValueType.LONG, "Calls in all.", v -> bound.calls = v).label("N"))
                            .with(single("--max-cost", ValueType.DOUBLE, "Dollars.", v -> bound.cost = v).label("USD"))
                            .with(single("--output", ValueType.STRING, "text or jsonl.", v -> bound.output = v)
                                    .defaultValue("text"))
                            .with(repeated("--allow", ValueType.STRING, "A rule (repeatable).", bound.allow::add)
                                    .label("RULE"))
                            .action(invocation -> {
                                bound.invocation = Optional.of(invocation);
                                bound.ran = "run";
                                invocation.out().print("ran");
                                return 7;
                            })
                            .build();
                })
                .subcommand("tools", () -> {
                    toolsBuilt.incrementAndGet();
                    return Command.named("tools", "Tools.")
                            .subcommand("show", () -> Command.named("show", "Show one tool.")
                                    .with(positional("ID", ValueType.STRING, "", v -> bound.id = v))
                                    .action(invocation -> {
                                        bound.ran = "show";
                                        return 0;
                                    })
                                    .build())
                            .build();
                })
                .subcommand("fail", () -> Command.named("fail", "Fails.")
                        .action(invocation -> {
                            throw new IllegalStateException("broken");
                        })
                        .build())
                .build();
    }

    Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new ArgumentParser(() -> "tool 1.0", (e, w) -> {
            w.println("failed: " + e.getMessage());
            return 70;
        }).execute(root(), List.of(args), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void bindsEachKindOfOptionAndThePositionals() {
        Result r = execute("run", "fix", "--verbose", "--model", "m1", "--dir=/tmp/x", "--max-iterations", "3",
                "--max-calls", "9000000000", "--max-cost=0.5", "--allow", "Bash", "--allow=Edit", "the", "bug");
        assertThat(r.code()).as(r.err()).isEqualTo(7);
        assertThat(r.out()).isEqualTo("ran");
        assertThat(bound.verbose).isTrue();
        assertThat(bound.model).isEqualTo("m1");
        assertThat(bound.dir).isEqualTo(Path.of("/tmp/x"));
        assertThat(bound.iterations).isEqualTo(3);
        assertThat(bound.calls).isEqualTo(9_000_000_000L);
        assertThat(bound.cost).isEqualTo(0.5);
        assertThat(bound.allow).containsExactly("Bash", "Edit");
        assertThat(bound.words).containsExactly("fix", "the", "bug");
    }

    @Test
    void defaultsAreBoundAndGivenOptionsAreKnownByEveryName() {
        assertThat(execute("run", "-c").code()).isEqualTo(7);
        assertThat(bound.iterations).isEqualTo(50);
        assertThat(bound.output).isEqualTo("text");
        assertThat(bound.continueLatest).isTrue();
        Invocation invocation = bound.invocation.orElseThrow();
        assertThat(invocation.given("-c")).isTrue();
        assertThat(invocation.given("--continue")).isTrue();
        assertThat(invocation.given("--max-iterations")).isFalse();
        assertThat(invocation.commandPath()).containsExactly("tool", "run");

        bound = new Bound();
        execute("run", "--max-iterations", "50");
        assertThat(bound.invocation.orElseThrow().given("--max-iterations")).as("given, even with the default value").isTrue();
    }

    @Test
    void shortOptionsTakeTheirValueAttachedOrNextAndFlagsCluster() {
        execute("run", "-d", "/a");
        assertThat(bound.dir).isEqualTo(Path.of("/a"));
        execute("run", "-d/b");
        assertThat(bound.dir).isEqualTo(Path.of("/b"));
        execute("run", "-d=/c");
        assertThat(bound.dir).isEqualTo(Path.of("/c"));
        bound = new Bound();
        execute("run", "-ck");
        assertThat(bound.continueLatest).isTrue();
        assertThat(bound.keep).isTrue();
    }

    @Test
    void doubleDashEndsTheOptionsAndDashAloneIsAWord() {
        assertThat(execute("run", "say", "--", "--model", "-c", "--help").code()).isEqualTo(7);
        assertThat(bound.words).containsExactly("say", "--model", "-c", "--help");
        assertThat(bound.model).isNull();
        bound = new Bound();
        execute("run", "-");
        assertThat(bound.words).containsExactly("-");
    }

    @Test
    void aValueMayLookLikeANegativeNumberOrAnUnknownDashWord() {
        assertThat(execute("run", "--max-cost", "-1", "--model", "-x").code()).isEqualTo(7);
        assertThat(bound.cost).isEqualTo(-1.0);
        assertThat(bound.model).isEqualTo("-x");
        bound = new Bound();
        execute("run", "-5", "apples");
        assertThat(bound.words).containsExactly("-5", "apples");
    }

    @Test
    void onlyTheInvokedSubcommandIsBuilt() {
        execute("run", "x");
        assertThat(runBuilt).hasValue(1);
        assertThat(toolsBuilt).hasValue(0);
        execute("tools", "show", "t1");
        assertThat(bound.ran).isEqualTo("show");
        assertThat(bound.id).isEqualTo("t1");
        assertThat(runBuilt).hasValue(1);
        assertThat(toolsBuilt).hasValue(1);
    }

    @Test
    void helpAndVersionWorkOnEveryCommand() {
        for (List<String> path : List.of(List.<String>of(), List.of("run"), List.of("tools"), List.of("tools", "show"))) {
            for (String help : List.of("-h", "--help")) {
                List<String> args = new ArrayList<>(path);
                args.add(help);
                Result r = execute(args.toArray(String[]::new));
                assertThat(r.code()).as(args.toString()).isZero();
                assertThat(r.out()).startsWith("Usage: " + String.join(" ", List.of("tool", String.join(" ", path))).strip());
                assertThat(r.err()).isEmpty();
            }
            for (String version : List.of("-V", "--version")) {
                List<String> args = new ArrayList<>(path);
                args.add(version);
                Result r = execute(args.toArray(String[]::new));
                assertThat(r.code()).isZero();
                assertThat(r.out()).isEqualTo("tool 1.0" + System.lineSeparator());
            }
        }
        assertThat(bound.ran).as("help and version run nothing").isEmpty();
    }

    @Test
    void helpCommandShowsTheHelpOfTheNamedCommandAtAnyDepth() {
        assertThat(execute("help", "run").out()).isEqualTo(execute("run", "--help").out());
        assertThat(execute("help", "tools", "show").out()).isEqualTo(execute("tools", "show", "--help").out());
        assertThat(execute("tools", "help", "show").out()).isEqualTo(execute("tools", "show", "--help").out());
        assertThat(execute("help").out()).isEqualTo(execute("--help").out());
        Result unknown = execute("help", "nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'nope'");
    }

    @Test
    void aCommandWithSubcommandsAndNoActionPrintsItsHelp() {
        Result r = execute("tools");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(execute("tools", "--help").out());
    }

    @Test
    void helpShowsEveryDeclarationWithDefaultsLabelsAndSubcommands() {
        String help = execute("run", "--help").out();
        assertThat(help).startsWith("Usage: tool run [-chkV] [--verbose] [-d=DIR] [--max-calls=N] [--max-cost=USD]");
        assertThat(help).contains("[--allow=RULE]... [WORDS...]\nRun something.\nA second paragraph.\n");
        assertThat(help).contains("\n      [WORDS...]  ").contains("\n  -c, --continue  ").contains("\n      --verbose  ")
                .contains("\n  -d, --dir=DIR  ").contains("\n      --max-iterations=<maxIterations>\n")
                .contains("Calls (default: 50).").contains("\n  -h, --help  ").contains("\n  -V, --version  ")
                .contains("\n  -k  ");
        assertThat(help.replaceAll("\\s+", " ")).contains("--allow=RULE A rule (repeatable).");
        String top = execute("--help").out();
        assertThat(top).startsWith("Usage: tool [-hV] [COMMAND]\nA tool to test the parser.\n")
                .contains("Commands:\n  run    Run something.\n  tools  Tools.\n  fail   Fails.\n  help   Display help");
        for (String line : (help + top).split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(HelpText.WIDTH);
        }
    }

    @Test
    void wrapsAtSpacesAndKeepsALongWordWhole() {
        assertThat(HelpText.wrap("aaa bbb ccc", 7)).containsExactly("aaa bbb", "ccc");
        assertThat(HelpText.wrap("a " + "x".repeat(12) + " b", 5)).containsExactly("a", "x".repeat(12), "b");
    }

    private void assertUsageError(Result r, String message, String command) {
        assertThat(r.code()).isEqualTo(ArgumentParser.USAGE_ERROR);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("tool: " + message + System.lineSeparator()
                + "Try '" + command + " --help' for more information." + System.lineSeparator());
        assertThat(bound.ran).as("nothing runs after a usage error").isEmpty();
    }

    @Test
    void unknownOption() {
        assertUsageError(execute("run", "--bogus", "x"), "unknown option '--bogus'", "tool run");
        assertUsageError(execute("run", "--bogus=1"), "unknown option '--bogus'", "tool run");
        assertUsageError(execute("run", "-z"), "unknown option '-z'", "tool run");
        assertUsageError(execute("--model", "x"), "unknown option '--model'", "tool");
        assertUsageError(execute("run", "-cz"), "unknown option '-z' in '-cz'", "tool run");
    }

    @Test
    void missingValue() {
        assertUsageError(execute("run", "--model"), "missing value for option '--model' (<model>)", "tool run");
        assertUsageError(execute("run", "--dir", "--verbose"), "missing value for option '--dir' (DIR)", "tool run");
        assertUsageError(execute("run", "-d", "--help"), "missing value for option '-d' (DIR)", "tool run");
    }

    @Test
    void badNumbers() {
        assertUsageError(execute("run", "--max-iterations", "abc"),
                "invalid value for option '--max-iterations': 'abc' is not an int", "tool run");
        assertUsageError(execute("run", "--max-iterations=99999999999"),
                "invalid value for option '--max-iterations': '99999999999' is not an int", "tool run");
        assertUsageError(execute("run", "--max-calls", "1.5"),
                "invalid value for option '--max-calls': '1.5' is not a long", "tool run");
        assertUsageError(execute("run", "--max-cost", "cheap"),
                "invalid value for option '--max-cost': 'cheap' is not a double", "tool run");
        assertUsageError(execute("run", "--dir", "a\0b"),
                "invalid value for option '--dir': 'a\0b' is not a path", "tool run");
    }

    @Test
    void aSingleValueOptionGivenTwiceAndAFlagWithAValue() {
        assertUsageError(execute("run", "--model", "a", "--model=b"), "option '--model' should be given only once",
                "tool run");
        assertUsageError(execute("run", "--verbose=yes"), "option '--verbose' takes no value (got 'yes')", "tool run");
        assertUsageError(execute("run", "-cd"), "option '-d' needs a value and cannot be clustered in '-cd'", "tool run");
    }

    @Test
    void unknownCommandsAndUnexpectedOrMissingPositionals() {
        assertUsageError(execute("frobnicate"), "unknown command 'frobnicate' (commands: run, tools, fail)", "tool");
        assertUsageError(execute("tools", "nope"), "unknown command 'nope' (commands: show)", "tool tools");
        assertUsageError(execute("tools", "show"), "missing parameter 'ID'", "tool tools show");
        assertUsageError(execute("tools", "show", "a", "b"), "unexpected argument 'b' (ID is already given)",
                "tool tools show");
        assertUsageError(execute("fail", "extra"), "unexpected argument 'extra'", "tool fail");
    }

    @Test
    void anActionsFailureGoesToTheFailureHandler() {
        Result r = execute("fail");
        assertThat(r.code()).isEqualTo(70);
        assertThat(r.err()).isEqualTo("failed: broken" + System.lineSeparator());
    }

    @Test
    void malformedDeclarationsAreRefused() {
        assertThatThrownBy(() -> flag("model", "", () -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'model'");
        assertThatThrownBy(() -> flag("-ab", "", () -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> single("--a=b", ValueType.STRING, "", v -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> flag(" ", "", () -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
