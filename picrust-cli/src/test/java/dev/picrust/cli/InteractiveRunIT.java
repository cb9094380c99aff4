package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.permission.PermissionRule;
import dev.picrust.permission.PermissionTier;
import dev.picrust.permission.RuleStore;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.ServerStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code picrust run --interactive} as a real process: permission requests and questions are
 * answered line by line on stdin while the agent waits, against a loopback MockLlmServer.
 */
class InteractiveRunIT {
    static final String COMMAND = "echo approved > proof.txt";

    @TempDir Path dir;
    MockLlmServer server;
    Path workspace;

    @BeforeEach
    void start() throws Exception {
        server = MockLlmServer.start();
        workspace = Files.createDirectories(dir.resolve("work"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Map<String, String> env() {
        return Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890", "ANTHROPIC_BASE_URL", server.baseUrl());
    }

    List<String> runArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--sessions-dir", dir.resolve("sessions").toString(),
                "--cwd", workspace.toString(), "--output", "jsonl"));
        args.addAll(List.of(extra));
        return args;
    }

    /** Starts an interactive run whose stdin the test types into. */
    CliProcess interactive(String prompt) throws Exception {
        return CliProcess.startWithStdin(dir, env(), runArgs("--interactive", prompt).toArray(String[]::new));
    }

    /** Reads stdout up to the first chunk of {@code type}; returns it. */
    static JsonNode readUntil(CliProcess cli, String type) throws Exception {
        String line;
        while ((line = cli.readLine()) != null) {
            JsonNode chunk = Json.parse(line);
            if (chunk.path("type").asText().equals(type)) {
                return chunk;
            }
        }
        throw new AssertionError("no " + type + " chunk; stderr: " + cli.stderr.getNow(""));
    }

    static List<JsonNode> chunks(List<String> lines, String type) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (String line : lines) {
            JsonNode chunk = Json.parse(line);
            if (chunk.path("type").asText().equals(type)) {
                found.add(chunk);
            }
        }
        return found;
    }

    /** The tool result the model received in the second request. */
    ToolResultBlock resultSentToTheModel() {
        return server.requests().get(1).messages().getLast().toolResults().getFirst();
    }

    @Test
    void yesRunsTheCallOnce() throws Exception {
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", COMMAND)), ServerStep.text("it ran"));
        CliProcess cli = interactive("make proof");
        JsonNode request = readUntil(cli, "permission_request");
        assertThat(request.path("tool_name").asText()).isEqualTo("Bash");
        assertThat(workspace.resolve("proof.txt")).as("nothing runs before the answer").doesNotExist();
        cli.type("y\n");
        List<String> rest = new ArrayList<>();
        int code = cli.finish(rest);

        String err = cli.stderr.get();
        assertThat(code).as(err).isZero();
        assertThat(err).contains("    | " + COMMAND + "\n").contains("\"always\" saves: Bash(" + COMMAND + ")")
                .contains("[S]/[A] save the wider: Bash(echo approved:*), Write(")
                .contains("Allow Bash? " + TerminalApprover.PERMISSION_CHOICES + TerminalApprover.WIDER_CHOICES);
        assertThat(Files.readString(workspace.resolve("proof.txt"))).isEqualTo("approved\n");
        assertThat(chunks(rest, "permission_decision")).singleElement().satisfies(d -> {
            assertThat(d.path("decision").asText()).isEqualTo("allow");
            assertThat(d.path("source").asText()).isEqualTo("user");
            assertThat(d.path("detail").asText()).isEqualTo("allow_once");
        });
        assertThat(resultSentToTheModel().isError()).isFalse();
        assertThat(new RuleStore(dir.resolve("picrust-home")).load(PermissionTier.LOCAL, "cli").isEmpty())
                .as("allow once saves no rule").isTrue();
    }

    @Test
    void noDeniesTheCallAndTheModelIsTold() throws Exception {
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", COMMAND)), ServerStep.text("ok, not run"));
        CliProcess cli = interactive("make proof");
        readUntil(cli, "permission_request");
        cli.type("n\n");
        List<String> rest = new ArrayList<>();
        assertThat(cli.finish(rest)).as(cli.stderr.get()).isZero();

        assertThat(workspace.resolve("proof.txt")).doesNotExist();
        ToolResultBlock result = resultSentToTheModel();
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).isEqualTo("The user denied Bash(" + COMMAND + ").");
        assertThat(chunks(rest, "permission_decision")).singleElement()
                .satisfies(d -> assertThat(d.path("decision").asText()).isEqualTo("deny"));
    }

    @Test
    void anUnclearAnswerIsAskedAgain() throws Exception {
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", COMMAND)), ServerStep.text("done"));
        CliProcess cli = interactive("make proof");
        readUntil(cli, "permission_request");
        cli.type("maybe\ny\n");
        assertThat(cli.finish(new ArrayList<>())).isZero();
        assertThat(cli.stderr.get()).contains("Please answer y, s, a, S, A or n.");
        assertThat(workspace.resolve("proof.txt")).exists();
    }

    @Test
    void alwaysForThisAgentTypeIsSavedAndTheNextRunDoesNotAsk() throws Exception {
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "mkdir -p one")),
                ServerStep.text("first done"));
        CliProcess cli = interactive("first");
        readUntil(cli, "permission_request");
        cli.type("A\n");
        assertThat(cli.finish(new ArrayList<>())).as(cli.stderr.get()).isZero();
        assertThat(cli.stderr.get()).contains("\"always\" saves: Bash(mkdir -p one)")
                .contains("[S]/[A] save the wider: Bash(mkdir:*)");
        assertThat(workspace.resolve("one")).isDirectory();
        RuleStore store = new RuleStore(dir.resolve("picrust-home"));
        // "A" picked the wider rule that was shown, so the next mkdir matches it too.
        assertThat(store.load(PermissionTier.LOCAL, "cli").allow()).containsExactly(PermissionRule.parse("Bash(mkdir:*)"));

        // A headless run (stdin is /dev/null, no --interactive) of the same agent type is allowed by the saved rule.
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "mkdir -p two")),
                ServerStep.text("second done"));
        CliProcess second = CliProcess.start(dir, env(), runArgs("second").toArray(String[]::new));
        List<String> out = new ArrayList<>();
        assertThat(second.finish(out)).as(second.stderr.get()).isZero();
        assertThat(workspace.resolve("two")).isDirectory();
        assertThat(chunks(out, "permission_request")).isEmpty();
        assertThat(chunks(out, "permission_decision")).singleElement().satisfies(d -> {
            assertThat(d.path("source").asText()).isEqualTo("rule");
            assertThat(d.path("detail").asText()).endsWith("[local]");
        });
    }

    @Test
    void aSpoofedCommandIsShownWholeAndEscapedAndAlwaysSavesOnlyItsExactText() throws Exception {
        // On a terminal, "\r" and ESC[K erase "ls -la" and what follows hides behind the prompt.
        String spoof = "ls -la\r\u001b[K; echo pwned > spoofed.txt; " + "true ".repeat(60) + "# " + "x".repeat(150);
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", spoof)), ServerStep.text("done"));
        CliProcess cli = interactive("list files");
        readUntil(cli, "permission_request");
        cli.type("a\n");
        assertThat(cli.finish(new ArrayList<>())).as(cli.stderr.get()).isZero();

        String err = cli.stderr.get();
        assertThat(err).doesNotContain("\r").doesNotContain("\u001b");
        assertThat(err).contains("    | ls -la\\r\\x1b[K; echo pwned > spoofed.txt; true true")
                .contains("x".repeat(50)).contains("\"always\" saves: Bash(ls -la\\r\\x1b[K; echo pwned");
        RuleStore store = new RuleStore(dir.resolve("picrust-home"));
        assertThat(store.load(PermissionTier.LOCAL, "cli").allow()).containsExactly(PermissionRule.of("Bash", spoof));
    }

    @Test
    void endOfInputDeniesWithoutHanging() throws Exception {
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", COMMAND)), ServerStep.text("fine"));
        CliProcess cli = CliProcess.start(dir, env(), runArgs("--interactive", "make proof").toArray(String[]::new));
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();

        assertThat(chunks(out, "permission_request")).hasSize(1);
        assertThat(workspace.resolve("proof.txt")).doesNotExist();
        assertThat(resultSentToTheModel().text()).contains("The user denied").contains("the input ended");
        assertThat(cli.stderr.get()).contains("(no more input: denied)");
    }

    @Test
    void questionsAreAnsweredByOptionNumberOrInOwnWords() throws Exception {
        JsonNode questions = Json.parse("""
                {"questions": [
                  {"question": "Which colour?", "header": "Colour", "multiSelect": false,
                   "options": [{"label": "Red", "description": "warm"}, {"label": "Blue", "description": "cool"}]},
                  {"question": "Which size?", "header": "Size", "multiSelect": false,
                   "options": [{"label": "Small", "description": "s"}, {"label": "Large", "description": "l"}]}
                ]}""");
        server.enqueue(ServerStep.toolUse("AskUserQuestion", questions), ServerStep.text("thanks"));
        CliProcess cli = interactive("ask me");
        JsonNode question = readUntil(cli, "question");
        assertThat(question.path("questions")).hasSize(2);
        cli.type("2\nmedium, please\n");
        assertThat(cli.finish(new ArrayList<>())).as(cli.stderr.get()).isZero();

        String err = cli.stderr.get();
        assertThat(err).contains("[Colour] Which colour?").contains("  2. Blue - cool");
        String result = resultSentToTheModel().text();
        assertThat(result).contains("\"Which colour?\" = \"Blue\"").contains("\"Which size?\" = \"medium, please\"");
    }

    @Test
    void rulesAddedWithThePermissionsCommandApplyToTheNextRun() throws Exception {
        CliProcess add = CliProcess.start(dir, env(), "permissions", "add", "Bash(echo:*)");
        List<String> added = new ArrayList<>();
        assertThat(add.finish(added)).as(add.stderr.get()).isZero();
        assertThat(String.join("\n", added)).contains(dir.resolve("picrust-home").toString());
        // the command writes proof.txt by redirection, which needs the Write permission too
        CliProcess write = CliProcess.start(dir, env(), "permissions", "add", "Write(proof.txt)");
        assertThat(write.finish(new ArrayList<>())).as(write.stderr.get()).isZero();

        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", COMMAND)), ServerStep.text("ran"));
        CliProcess run = CliProcess.start(dir, env(), runArgs("make proof").toArray(String[]::new));
        List<String> out = new ArrayList<>();
        assertThat(run.finish(out)).as(run.stderr.get()).isZero();
        assertThat(workspace.resolve("proof.txt")).exists();
        assertThat(chunks(out, "permission_decision")).singleElement()
                .satisfies(d -> assertThat(d.path("detail").asText())
                        .isEqualTo("Bash(echo:*) [local], Write(proof.txt) [local]"));
    }
}
