package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
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

/** A resumed session comes back as it was started: folder, model, role, rules, unless overridden. */
class ResumeIT {
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

    /** Runs the CLI from {@code dir} (not the workspace) and returns its exit code; stderr is the last line. */
    private int cli(List<String> out, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, "--sessions-dir");
        all.add(2, dir.resolve("sessions").toString());
        CliProcess cli = CliProcess.start(dir, Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890",
                "ANTHROPIC_BASE_URL", server.baseUrl()), all.toArray(String[]::new));
        int code = cli.finish(out);
        out.add(cli.stderr.get());
        return code;
    }

    private String sessionIdOf(List<String> out) {
        String err = out.getLast();
        int at = err.indexOf("session s-");
        return err.substring(at + "session ".length()).split("\\s")[0];
    }

    private JsonNode lastRequest() {
        return server.requests().getLast().body();
    }

    @Test
    void resumeUsesTheSessionsFolderModelRoleAndRules() throws Exception {
        server.enqueue(ServerStep.text("started"));
        List<String> first = new ArrayList<>();
        assertThat(cli(first, "run", "--cwd", workspace.toString(), "--model", "claude-original",
                "--system", "You are the release manager.", "--allow", "Bash(touch:*)", "plan the release"))
                .as(first.getLast()).isZero();
        String id = sessionIdOf(first);

        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "touch resumed.txt")),
                ServerStep.text("touched"));
        List<String> second = new ArrayList<>();
        assertThat(cli(second, "run", "--resume", id, "go on")).as(second.getLast()).isZero();

        assertThat(second.getLast()).contains("resuming " + id + " with anthropic model claude-original")
                .contains("folder " + workspace).contains("its own role").contains("its --allow/--ask/--deny rules");
        assertThat(lastRequest().path("model").asText()).isEqualTo("claude-original");
        assertThat(lastRequest().path("system").toString()).contains("You are the release manager.")
                .contains("Working folder: " + workspace);
        assertThat(workspace.resolve("resumed.txt")).as("the stored allow rule, in the stored folder").exists();
        assertThat(dir.resolve("resumed.txt")).doesNotExist();
    }

    @Test
    void optionsGivenAgainOverrideTheStoredOnes() throws Exception {
        server.enqueue(ServerStep.text("started"));
        List<String> first = new ArrayList<>();
        assertThat(cli(first, "run", "--cwd", workspace.toString(), "--model", "claude-original", "hello")).isZero();
        String id = sessionIdOf(first);

        server.enqueue(ServerStep.text("switched"));
        assertThat(cli(new ArrayList<>(), "run", "--resume", id, "--model", "claude-override", "again")).isZero();
        assertThat(lastRequest().path("model").asText()).isEqualTo("claude-override");
        assertThat(lastRequest().path("system").toString()).contains("Working folder: " + workspace);
    }

    @Test
    void continuePicksTheLatestSessionOfThisFolderAndSessionsListsIt() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        server.enqueue(ServerStep.text("a"), ServerStep.text("b"), ServerStep.text("c"));
        assertThat(cli(new ArrayList<>(), "run", "--cwd", workspace.toString(), "first task here")).isZero();
        List<String> second = new ArrayList<>();
        assertThat(cli(second, "run", "--cwd", workspace.toString(), "second task here")).isZero();
        assertThat(cli(new ArrayList<>(), "run", "--cwd", other.toString(), "elsewhere")).isZero();

        List<String> continued = new ArrayList<>();
        server.enqueue(ServerStep.text("continued"));
        assertThat(cli(continued, "run", "--cwd", workspace.toString(), "-c", "and now?")).as(continued.getLast())
                .isZero();
        assertThat(continued.getLast()).contains("resuming " + sessionIdOf(second));
        assertThat(server.requests().getLast().messages().getFirst().text()).contains("second task here");

        List<String> listed = new ArrayList<>();
        assertThat(cli(listed, "sessions")).isZero();
        assertThat(String.join("\n", listed)).contains(workspace.toString()).contains("\"first task here\"")
                .contains(other.toString()).contains("\"elsewhere\"");
    }

    @Test
    void sessionsShowAndExportRenderTheConversation() throws Exception {
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "echo '```' tick")),
                ServerStep.text("All done."));
        List<String> first = new ArrayList<>();
        assertThat(cli(first, "run", "--cwd", workspace.toString(), "--allow", "Bash", "show me ticks")).isZero();
        String id = sessionIdOf(first);

        List<String> shown = new ArrayList<>();
        assertThat(cli(shown, "sessions", "show", id)).as(shown.getLast()).isZero();
        assertThat(String.join("\n", shown)).contains("session " + id).contains("folder " + workspace)
                .contains("── user\nshow me ticks").contains("● Bash").contains("  = ``` tick")
                .contains("── assistant\nAll done.")
                // two calls of 100 + 20 tokens on claude-sonnet-4-5 ($3 / $15 per million): 2 * 0.0006
                .contains("usage 2 model call(s) · 200 tokens in (0 read from cache, 0 written to it), 40 out "
                        + "(0 reasoning) · $0.0012");

        Path md = dir.resolve("out.md");
        assertThat(cli(new ArrayList<>(), "sessions", "export", id, "-o", md.toString())).isZero();
        assertThat(Files.readString(md)).startsWith("# Session " + id).contains("## User\n\nshow me ticks")
                .contains("````\n``` tick").contains("## Assistant\n\nAll done.");

        List<String> json = new ArrayList<>();
        assertThat(cli(json, "sessions", "export", id, "--format", "json")).isZero();
        JsonNode exported = Json.parse(json.getFirst());
        assertThat(exported.path("metadata").path("id").asText()).isEqualTo(id);
        assertThat(exported.path("messages")).hasSize(4);
        assertThat(exported.path("usage").path("calls").asLong()).isEqualTo(2);
        assertThat(exported.path("usage").path("cost_usd").asDouble())
                .isEqualTo(0.0012, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void aCompactedSessionShowsItsBoundaryAndResumesFromTheSummary() throws Exception {
        server.enqueue(ServerStep.text("first answer"), ServerStep.text("second answer"));
        List<String> first = new ArrayList<>();
        assertThat(cli(first, "run", "--cwd", workspace.toString(), "the original task")).isZero();
        String id = sessionIdOf(first);
        assertThat(cli(new ArrayList<>(), "run", "--cwd", workspace.toString(), "--resume", id, "more work")).isZero();
        // What a compaction appends: a record, the messages untouched.
        Path history = dir.resolve("sessions").resolve(id).resolve("history.jsonl");
        Files.writeString(history, Json.object().put("record", "compaction").put("from_message", 3)
                .put("summary", "## Task\nthe summarised kiwi work").put("trigger", "manual") + "\n",
                java.nio.file.StandardOpenOption.APPEND);

        List<String> shown = new ArrayList<>();
        assertThat(cli(shown, "sessions", "show", id)).isZero();
        assertThat(String.join("\n", shown)).contains("── user\nthe original task").contains("── assistant\nfirst answer")
                .contains("── compacted (manual)").contains("── assistant\nsecond answer");

        server.enqueue(ServerStep.text("resumed answer"));
        assertThat(cli(new ArrayList<>(), "run", "--cwd", workspace.toString(), "--resume", id, "go on")).isZero();
        List<dev.picrust.llm.Message> sent = server.requests().getLast().messages();
        assertThat(sent.getFirst().text()).contains("the original task").contains("the summarised kiwi work");
        assertThat(sent).hasSize(3);  // summary + pinned task, the kept answer, the new prompt
        assertThat(sent.getLast().text()).contains("go on");
    }

    @Test
    void continueWithoutASessionInThisFolderIsAClearError() throws Exception {
        List<String> out = new ArrayList<>();
        assertThat(cli(out, "run", "--cwd", workspace.toString(), "-c", "hello")).isEqualTo(2);
        assertThat(out.getLast()).contains("no session was started in " + workspace);
    }
}
