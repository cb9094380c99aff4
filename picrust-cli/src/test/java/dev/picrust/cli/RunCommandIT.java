package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.RecordedRequest;
import dev.picrust.testkit.ScriptedModel;
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

/** Drives {@code picrust run} as a real process against a loopback MockLlmServer. */
class RunCommandIT {
    @TempDir Path dir;
    MockLlmServer server;
    Path sessions;
    Path workspace;

    @BeforeEach
    void start() throws Exception {
        server = MockLlmServer.start();
        sessions = dir.resolve("sessions");
        workspace = Files.createDirectories(dir.resolve("work"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Map<String, String> env() {
        return Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890", "ANTHROPIC_BASE_URL", server.baseUrl());
    }

    CliProcess run(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--sessions-dir", sessions.toString(),
                "--cwd", workspace.toString(), "--output", "jsonl"));
        args.addAll(List.of(extra));
        return CliProcess.start(dir, env(), args.toArray(String[]::new));
    }

    static List<JsonNode> parse(List<String> lines) throws Exception {
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : lines) {
            chunks.add(Json.parse(line));
        }
        return chunks;
    }

    @Test
    void resumingASessionAnotherProcessHoldsIsRefusedInOneLine() throws Exception {
        try (AgentSession held = SessionStore.at(sessions).create(
                dev.picrust.session.SessionMetadata.create("held", "agent", "m", "anthropic"))) {
            held.append(Message.user("the holder's turn"));
            CliProcess cli = run("--resume", "held", "a second writer");
            int code = cli.finish(new ArrayList<>());
            assertThat(code).isEqualTo(2);
            String err = cli.stderr.get().strip();
            assertThat(err).contains("session held is in use by another process (pid " + ProcessHandle.current().pid());
            assertThat(err.lines()).hasSize(1);
            assertThat(server.requests()).isEmpty();
        }
        try (AgentSession after = SessionStore.at(sessions).open("held")) {
            assertThat(after.messages()).containsExactly(Message.user("the holder's turn"));
        }
    }

    @Test
    void aCorruptMiddleLineIsReportedOnResumeAndTheNextRequestIsValid() throws Exception {
        try (AgentSession s = SessionStore.at(sessions).create(
                dev.picrust.session.SessionMetadata.create("torn", "agent", "m", "anthropic"))) {
            s.append(Message.user("list the files"));
            s.append(Message.assistant(List.of(ScriptedModel.toolUse("Bash", Json.object().put("command", "ls")))));
            s.append(Message.user(List.of(ToolResultBlock.text(
                    ((dev.picrust.llm.ToolUseBlock) s.messages().get(1).content().getFirst()).id(), "a b", false))));
            s.append(Message.assistant("there are two"));
        }
        Path history = sessions.resolve("torn/history.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(history));
        lines.set(2, "{\"role\":\"user\",\"content\":[{\"type\":\"tool_res");   // the result's line is damaged
        Files.write(history, lines);
        server.enqueue(ServerStep.text("ok"));
        CliProcess cli = run("--resume", "torn", "go on");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        List<JsonNode> repairs = parse(out).stream().filter(c -> c.path("type").asText().equals("status")
                && c.path("code").asText().equals("session_repaired")).toList();
        assertThat(repairs).extracting(c -> c.path("message").asText())
                .anySatisfy(m -> assertThat(m).contains("line 3"))
                .anySatisfy(m -> assertThat(m).contains("answered as lost"));
        JsonNode sent = server.requests().getLast().body();
        JsonNode messages = sent.path("messages");
        assertThat(messages.get(2).path("content").get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(messages.get(2).path("content").get(0).path("is_error").asBoolean()).isTrue();
    }

    @Test
    void multiStepToolLoop() throws Exception {
        server.enqueue(
                ServerStep.content(StopReason.TOOL_USE, List.of(new TextBlock("Writing."),
                        ScriptedModel.toolUse("Write", Json.object().put("file_path", "a.txt").put("content", "hello\n")))),
                ServerStep.toolUse("Bash", Json.object().put("command", "cat a.txt | tr a-z A-Z")),
                ServerStep.text("The file says HELLO."));
        CliProcess cli = run("--session-id", "multi", "--allow", "Write", "--allow", "Bash", "shout the file");
        List<String> out = new ArrayList<>();
        int code = cli.finish(out);

        assertThat(code).as(cli.stderr.get()).isZero();
        List<JsonNode> chunks = parse(out);
        List<JsonNode> ends = chunks.stream().filter(c -> c.path("type").asText().equals("tool_end")).toList();
        assertThat(ends).hasSize(2);
        assertThat(ends.get(1).path("content").asText()).contains("HELLO");
        assertThat(ends.get(0).path("id").asText()).startsWith("toolu_");
        assertThat(chunks.getLast().path("type").asText()).isEqualTo("done");
        assertThat(Files.readString(workspace.resolve("a.txt"))).isEqualTo("hello\n");
        try (AgentSession s = SessionStore.at(sessions).open("multi")) {
            assertThat(s.messages()).extracting(Message::role)
                    .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
        }
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void theEndOfTurnLineShowsTokensAndCost() throws Exception {
        server.enqueue(ServerStep.text("priced"));
        CliProcess cli = CliProcess.start(dir, env(), "run", "--sessions-dir", sessions.toString(),
                "--cwd", workspace.toString(), "hi");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        // claude-sonnet-4-5, the default, at $3 / $15 per million: (100 * 3 + 20 * 15) / 1e6 = $0.0006
        assertThat(cli.stderr.get()).containsPattern("\\d+\\.\\d s · 100 tokens in, 20 out · \\$0\\.0006 · session s-");
    }

    @Test
    void maxCallsStopsBeforeTheNextModelCallAndTheUsageChunkCarriesTheTotals() throws Exception {
        server.enqueue(ServerStep.toolUse("Glob", Json.object().put("pattern", "*.txt")), ServerStep.text("never asked"));
        CliProcess cli = run("--session-id", "capped", "--max-calls", "1", "list the text files");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isEqualTo(1);
        assertThat(server.requestCount()).isEqualTo(1);
        List<JsonNode> chunks = parse(out);
        JsonNode usage = chunks.stream().filter(c -> c.path("type").asText().equals("usage")).findFirst().orElseThrow();
        assertThat(usage.path("cost_usd").asDouble()).isEqualTo(0.0006, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(usage.path("tree").path("calls").asLong()).isEqualTo(1);
        assertThat(chunks).anyMatch(c -> c.path("type").asText().equals("tool_end"));
        assertThat(chunks).anyMatch(c -> c.path("type").asText().equals("status")
                && c.path("code").asText().equals("budget_exceeded")
                && c.path("message").asText().equals("agent tree budget reached: 1 model call(s) of at most 1"));
        assertThat(chunks.getLast().path("reason").asText()).isEqualTo("budget_exceeded");
        assertThat(cli.stderr.get()).contains("turn ended: budget_exceeded");
        assertThat(SessionStore.at(sessions).read("capped").usage().calls()).isEqualTo(1);
    }

    @Test
    void overloadedThenSuccess() throws Exception {
        server.enqueue(ServerStep.overloaded(), ServerStep.text("fine now"));
        CliProcess cli = run("hi");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        List<JsonNode> chunks = parse(out);
        assertThat(chunks).anyMatch(c -> c.path("type").asText().equals("status") && c.path("code").asText().equals("retry"));
        String text = chunks.stream().filter(c -> c.path("type").asText().equals("text_delta"))
                .map(c -> c.path("text").asText()).reduce("", String::concat);
        assertThat(text).isEqualTo("fine now");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void midStreamErrorThenSuccessKeepsOnlyTheSecondAttempt() throws Exception {
        server.enqueue(ServerStep.midStreamOverloaded(), ServerStep.text("second attempt"));
        CliProcess cli = run("--session-id", "mid", "hi");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        try (AgentSession s = SessionStore.at(sessions).open("mid")) {
            assertThat(s.messages()).containsExactly(Message.user("hi"), Message.assistant("second attempt"));
        }
    }

    @Test
    void aStreamedErrorEchoingTheApiKeyIsRedactedEverywhere() throws Exception {
        String shaped = "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0";
        for (String format : List.of("jsonl", "text")) {
            String event = "event: error\ndata: " + Json.write(Json.object().put("type", "error").set("error",
                    Json.object().put("type", "invalid_request_error").put("message",
                            "invalid x-api-key: sk-test-key-1234567890; did you mean " + shaped + "?"))) + "\n\n";
            server.enqueue(ServerStep.sse(event.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            List<String> args = new ArrayList<>(List.of("run", "--sessions-dir", sessions.toString(),
                    "--cwd", workspace.toString(), "--output", format, "--session-id", "leak-" + format, "hi"));
            CliProcess cli = CliProcess.start(dir, env(), args.toArray(String[]::new));
            List<String> out = new ArrayList<>();
            int code = cli.finish(out);
            String everything = String.join("\n", out) + cli.stderr.get()
                    + Files.readString(sessions.resolve("leak-" + format).resolve("history.jsonl"));
            assertThat(code).isNotZero();
            assertThat(everything).as(format).contains("invalid x-api-key: [REDACTED]")
                    .doesNotContain("sk-test-key-1234567890").doesNotContain(shaped);
        }
    }

    @Test
    void headlessBashUnderABroadAllowIsSandboxedAndCannotWriteOutsideTheWorkspace() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.picrust.sandbox.BubblewrapSandbox.availability().isEmpty()
                || "1".equals(System.getenv("PICRUST_REQUIRE_SANDBOX")), "no bubblewrap sandbox here");
        // Outside /tmp (the sandbox gives commands a private one), so the file is there to be attacked.
        Path outside = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "cli-sandbox-");
        Path victim = Files.writeString(outside.resolve("victim"), "precious\n");
        try {
            server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command",
                            "echo pwned > " + victim + "; echo inside > inside.txt")),
                    ServerStep.text("done"));
            CliProcess cli = run("--session-id", "sandboxed", "--allow", "Bash", "try it");
            List<String> out = new ArrayList<>();
            assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
            assertThat(cli.stderr.get()).doesNotContain("WITHOUT a sandbox");
            assertThat(Files.readString(victim)).isEqualTo("precious\n");
            assertThat(workspace.resolve("inside.txt")).exists();
            assertThat(String.join("\n", out)).contains("Read-only file system");
        } finally {
            Files.deleteIfExists(victim);
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void noNetworkWithoutASandboxSaysItHasNoEffect() throws Exception {
        server.enqueue(ServerStep.text("ok"));
        CliProcess cli = run("--sandbox", "off", "--no-network", "hi");
        assertThat(cli.finish(new ArrayList<>())).isZero();
        assertThat(cli.stderr.get()).contains("--no-network has no effect");
        CliProcess bad = run("--sandbox", "sometimes", "hi");
        assertThat(bad.finish(new ArrayList<>())).isNotZero();
        assertThat(bad.stderr.get()).contains("unknown --sandbox 'sometimes'");
    }

    @Test
    void missingApiKeyIsAClearOneLineError() throws Exception {
        CliProcess cli = CliProcess.start(dir, Map.of(), "run", "--sessions-dir", sessions.toString(), "hello");
        int code = cli.finish(new ArrayList<>());
        String err = cli.stderr.get();
        assertThat(code).isNotZero();
        assertThat(err).contains("ANTHROPIC_API_KEY").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void anUnreachableServerIsNamedByItsUrl() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closed;
        // The base URL came from ANTHROPIC_BASE_URL, and every ANTHROPIC_* value was hidden as a key:
        // the error read "connection to [REDACTED]/v1/messages failed".
        CliProcess cli = CliProcess.start(dir, Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890",
                "ANTHROPIC_BASE_URL", url), "run", "--sessions-dir", sessions.toString(), "hello");
        assertThat(cli.finish(new ArrayList<>())).isNotZero();
        assertThat(cli.stderr.get()).contains(url + "/v1/messages").doesNotContain("sk-test-key-1234567890");
    }

    @Test
    void killDuringLongBashThenResumeContinuesWithValidHistory() throws Exception {
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "sleep 120")));
        CliProcess cli = run("--session-id", "crash", "--allow", "Bash", "wait a long time");
        String line;
        while ((line = cli.readLine()) != null && !line.contains("\"tool_start\"")) {
            // read until the tool is about to run: its tool_use is already on disk
        }
        assertThat(line).as("tool_start seen").isNotNull();
        List<ProcessHandle> children = cli.process.descendants().toList();
        cli.process.destroyForcibly().waitFor();   // SIGKILL: no shutdown hooks, no cleanup
        children.forEach(ProcessHandle::destroyForcibly);

        server.enqueue(ServerStep.text("Recovered after the crash."));
        CliProcess resumed = run("--resume", "crash");
        List<String> out = new ArrayList<>();
        assertThat(resumed.finish(out)).as(resumed.stderr.get()).isZero();

        RecordedRequest continued = server.requests().getLast();
        JsonNode lastSent = continued.body().path("messages").get(2);
        assertThat(lastSent.path("role").asText()).isEqualTo("user");
        // The call had started (its start is on disk before it runs): the model is told to check, not to re-run.
        assertThat(lastSent.toString()).contains("started before a crash; it may or may not have taken effect");
        try (AgentSession s = SessionStore.at(sessions).open("crash")) {
            List<Message> history = s.messages();
            assertThat(history).extracting(Message::role)
                    .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
            ToolResultBlock result = history.get(2).toolResults().getFirst();
            assertThat(result.toolUseId()).isEqualTo(history.get(1).toolUses().getFirst().id());
            assertThat(result.isError()).isTrue();
            assertThat(history.get(3).text()).isEqualTo("Recovered after the crash.");
        }
    }

    @Test
    void sigtermDuringALongBashCallKillsTheToolsProcessTree() throws Exception {
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "sleep 300 & sleep 301; wait")));
        CliProcess cli = run("--session-id", "term", "--allow", "Bash", "wait");
        String line;
        while ((line = cli.readLine()) != null && !line.contains("\"tool_start\"")) {
            // until the tool is about to run
        }
        assertThat(line).as("tool_start seen").isNotNull();
        List<ProcessHandle> sleepers = awaitDescendants(cli.process, "sleep", 2);
        cli.process.destroy();   // SIGTERM, as a service manager or Ctrl-C would send
        assertThat(cli.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle p : sleepers) {
            p.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(p.isAlive()).as("pid " + p.pid() + " outlived the CLI").isFalse();
        }
    }

    /** The CLI's descendants running {@code command}, once there are {@code count} of them. */
    private static List<ProcessHandle> awaitDescendants(Process process, String command, int count) throws Exception {
        // The OS gives no event for "a grandchild appeared", so look until they are there (bounded).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> found = process.descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/" + command)).orElse(false))
                    .toList();
            if (found.size() >= count) {
                return found;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no " + count + " '" + command + "' processes under the CLI");
    }
}
