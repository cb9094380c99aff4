package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * {@code picrust run} honours the three settings files (user, project, project-local) in their
 * documented precedence, and {@code picrust config} shows what applies and where it comes from.
 */
class SettingsIT {
    @TempDir Path dir;
    MockLlmServer server;
    Path workspace;
    Path home;

    @BeforeEach
    void start() throws Exception {
        server = MockLlmServer.start();
        workspace = Files.createDirectories(dir.resolve("work"));
        home = dir.resolve("picrust-home");  // CliProcess points PICRUST_HOME here
        Files.createDirectories(home);
        Files.createDirectories(workspace.resolve(".picrust"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int run(List<String> out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--sessions-dir", dir.resolve("sessions").toString(),
                "--cwd", workspace.toString(), "--output", "jsonl"));
        args.addAll(List.of(extra));
        CliProcess cli = CliProcess.start(dir, Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890",
                "ANTHROPIC_BASE_URL", server.baseUrl()), args.toArray(String[]::new));
        int code = cli.finish(out);
        out.add("stderr: " + cli.stderr.get());
        return code;
    }

    private void write(Path file, String json) throws Exception {
        Files.writeString(file, json);
    }

    @Test
    void aProjectAllowRuleLetsBashRunHeadless() throws Exception {
        write(workspace.resolve(".picrust/settings.json"), """
                {"permissions": {"allow": ["Bash(touch:*)"]}}""");
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "touch made.txt")), ServerStep.text("ok"));
        List<String> out = new ArrayList<>();
        assertThat(run(out, "make it")).as(String.join("\n", out)).isZero();
        assertThat(workspace.resolve("made.txt")).exists();
    }

    @Test
    void aLocalDenyBeatsAProjectAllowAndTheUsersModeAppliesUnlessAFlagSaysOtherwise() throws Exception {
        write(workspace.resolve(".picrust/settings.json"), """
                {"permissions": {"allow": ["Bash"]}}""");
        write(workspace.resolve(".picrust/settings.local.json"), """
                {"permissions": {"deny": ["Bash(touch:*)"]}}""");
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "touch denied.txt")),
                ServerStep.text("refused"));
        List<String> out = new ArrayList<>();
        assertThat(run(out, "try it")).as(String.join("\n", out)).isZero();
        assertThat(workspace.resolve("denied.txt")).doesNotExist();
        assertThat(server.requests().get(1).messages().getLast().toolResults().getFirst().isError()).isTrue();

        // plan mode from the user's settings: even an allowed Bash call is refused ...
        write(workspace.resolve(".picrust/settings.local.json"), "{}");
        write(home.resolve("settings.json"), """
                {"permissionMode": "plan"}""");
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "touch planned.txt")),
                ServerStep.text("not in plan mode"));
        assertThat(run(new ArrayList<>(), "plan it")).isZero();
        assertThat(workspace.resolve("planned.txt")).doesNotExist();

        // ... unless the flag overrides the mode for this run.
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "touch flagged.txt")),
                ServerStep.text("done"));
        assertThat(run(new ArrayList<>(), "--permission-mode", "default", "do it")).isZero();
        assertThat(workspace.resolve("flagged.txt")).exists();
    }

    @Test
    void theModelComesFromTheLastFileThatSetsOneAndTheFlagWins() throws Exception {
        write(home.resolve("settings.json"), """
                {"model": "claude-user-choice"}""");
        write(workspace.resolve(".picrust/settings.json"), """
                {"model": "claude-project-choice"}""");
        server.enqueue(ServerStep.text("one"));
        assertThat(run(new ArrayList<>(), "hi")).isZero();
        assertThat(server.requests().getLast().body().path("model").asText()).isEqualTo("claude-project-choice");

        server.enqueue(ServerStep.text("two"));
        assertThat(run(new ArrayList<>(), "--model", "claude-flag-choice", "hi")).isZero();
        assertThat(server.requests().getLast().body().path("model").asText()).isEqualTo("claude-flag-choice");
    }

    @Test
    void hooksFromSettingsRun() throws Exception {
        Path log = dir.resolve("hook.log");
        write(workspace.resolve(".picrust/settings.json"), """
                {"hooks": {"UserPromptSubmit": [{"hooks": [{"type": "command", "command": "cat > '%s'"}]}]}}"""
                .formatted(log));
        server.enqueue(ServerStep.text("hooked"));
        assertThat(run(new ArrayList<>(), "watched prompt")).isZero();
        assertThat(Files.readString(log)).contains("watched prompt");
    }

    @Test
    void configShowsEachSettingWithItsSource() throws Exception {
        write(home.resolve("settings.json"), """
                {"model": "claude-user-choice", "permissions": {"deny": ["Bash(rm:*)"]}}""");
        write(workspace.resolve(".picrust/settings.local.json"), """
                {"permissionMode": "acceptEdits", "permissions": {"allow": ["Bash(git status:*)"]},
                 "sandbox": {"mode": "on", "network": false}, "toolEnvironment": {"pass": ["GITHUB_TOKEN"]}}""");
        CliProcess cli = CliProcess.start(dir, Map.of(), "config", "--cwd", workspace.toString());
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        String text = String.join("\n", out);

        assertThat(text).contains("[read]    " + home.resolve("settings.json"))
                .contains("[absent]  " + workspace.resolve(".picrust/settings.json"))
                .contains("model: claude-user-choice   <- " + home.resolve("settings.json"))
                .contains("permission mode: acceptEdits   <- " + workspace.resolve(".picrust/settings.local.json"))
                .contains("deny Bash(rm:*)   <- " + home.resolve("settings.json"))
                .contains("allow Bash(git status:*)   <- " + workspace.resolve(".picrust/settings.local.json"))
                .contains("sandbox: on, network off; here: ")
                .contains("tool environment: credentials removed, except GITHUB_TOKEN");
    }

    @Test
    void projectInstructionsAndTheEnvironmentReachTheModel() throws Exception {
        Files.writeString(dir.resolve("AGENTS.md"), "Outer rule: write British English.");
        Files.writeString(workspace.resolve("AGENTS.md"), "Project rule: run ./test before you finish.");
        server.enqueue(ServerStep.text("noted"));
        assertThat(run(new ArrayList<>(), "hi")).isZero();
        String system = server.requests().getLast().body().path("system").toString();
        assertThat(system).contains("You are PiCrust").contains("Working folder: " + workspace)
                .contains("Today's date: ").contains("Outer rule: write British English.")
                .contains("Project rule: run ./test before you finish.");
        assertThat(system.indexOf("Outer rule")).isLessThan(system.indexOf("Project rule"));

        server.enqueue(ServerStep.text("noted"));
        assertThat(run(new ArrayList<>(), "--system", "You review code.", "hi")).isZero();
        String custom = server.requests().getLast().body().path("system").toString();
        assertThat(custom).contains("You review code.").doesNotContain("You are PiCrust").contains("Project rule");
    }

    @Test
    void envFromSettingsReachesBashInPrecedenceButKeysStayOut() throws Exception {
        write(home.resolve("settings.json"), """
                {"env": {"GREETING": "from-user", "ONLY_USER": "u"}}""");
        write(workspace.resolve(".picrust/settings.json"), """
                {"env": {"GREETING": "from-project"}, "permissions": {"allow": ["Bash"]}}""");
        write(workspace.resolve(".picrust/settings.local.json"), """
                {"env": {"GREETING": "from-local", "DEPLOY_API_KEY": "settings-only-secret-0123456789"}}""");
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command",
                "echo \"$GREETING/$ONLY_USER/${DEPLOY_API_KEY:-absent}\" > env.txt")), ServerStep.text("ok"));
        List<String> out = new ArrayList<>();
        assertThat(run(out, "show env")).as(String.join("\n", out)).isZero();
        assertThat(Files.readString(workspace.resolve("env.txt")).strip()).isEqualTo("from-local/u/absent");
        assertThat(String.join("\n", out)).doesNotContain("settings-only-secret-0123456789");
    }

    @Test
    void envFromSettingsConfiguresTheProvider() throws Exception {
        write(workspace.resolve(".picrust/settings.json"), """
                {"env": {"ANTHROPIC_BASE_URL": "%s"}}""".formatted(server.baseUrl()));
        server.enqueue(ServerStep.text("reached through settings"));
        CliProcess cli = CliProcess.start(dir, Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890"), "run",
                "--sessions-dir", dir.resolve("sessions").toString(), "--cwd", workspace.toString(), "hi");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        assertThat(String.join("\n", out)).contains("reached through settings");
    }

    @Test
    void configShowsEnvWithSourcesAndMasksSecrets() throws Exception {
        write(home.resolve("settings.json"), """
                {"env": {"REGION": "eu", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}}""");
        write(workspace.resolve(".picrust/settings.local.json"), """
                {"env": {"REGION": "us", "SERVICE_TOKEN": "abcdefgh12345678"}}""");
        CliProcess cli = CliProcess.start(dir, Map.of(), "config", "--cwd", workspace.toString());
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        String text = String.join("\n", out);
        assertThat(text).contains("REGION=us   <- " + workspace.resolve(".picrust/settings.local.json"))
                .contains("OPENAI_BASE_URL=http://127.0.0.1:9/v1   <- " + home.resolve("settings.json"))
                .contains("SERVICE_TOKEN=[REDACTED]   <- " + workspace.resolve(".picrust/settings.local.json"))
                .doesNotContain("abcdefgh12345678");
    }

    @Test
    void aMalformedEnvIsOneClearError() throws Exception {
        write(workspace.resolve(".picrust/settings.json"), "{\"env\": {\"A\": {\"nested\": 1}}}");
        List<String> out = new ArrayList<>();
        assertThat(run(out, "hi")).isEqualTo(2);
        assertThat(out.getLast()).contains("\"env\".A must be a string").doesNotContain("\tat ");
    }

    @Test
    void aBrokenSettingsFileIsOneClearError() throws Exception {
        write(workspace.resolve(".picrust/settings.json"), "{\"permissions\": ");
        List<String> out = new ArrayList<>();
        assertThat(run(out, "hi")).isEqualTo(2);
        assertThat(out.getLast()).contains("settings file " + workspace.resolve(".picrust/settings.json")
                + " is not valid JSON").doesNotContain("\tat ");
    }

    @Test
    void providerTimeoutsComeFromSettingsAndFlagsAndADeadServerIsGivenUpOnByThem() throws Exception {
        write(home.resolve("settings.json"), """
                {"timeouts": {"firstByte": 45, "idle": 30}}""");
        write(workspace.resolve(".picrust/settings.local.json"), """
                {"timeouts": {"firstByte": 0.3, "attempt": 300}}""");
        CliProcess config = CliProcess.start(dir, Map.of(), "config", "--cwd", workspace.toString());
        List<String> shown = new ArrayList<>();
        assertThat(config.finish(shown)).as(config.stderr.get()).isZero();
        assertThat(String.join("\n", shown))
                .contains("provider timeouts: connect 10 s, first byte 0.3 s, idle (pings ignored) 30 s, attempt 300 s")
                .contains("firstByte   <- " + workspace.resolve(".picrust/settings.local.json"))
                .contains("idle   <- " + home.resolve("settings.json"));

        // A server that accepts connections (the kernel's backlog does) and never answers.
        try (java.net.ServerSocket dead = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + dead.getLocalPort();
            List<String> out = new ArrayList<>();
            assertThat(run(out, "--base-url", url, "--first-byte-timeout", "0.2", "hi")).isEqualTo(1);
            String text = String.join("\n", out);
            assertThat(text).contains("Anthropic answer from " + url + "/v1/messages did not start within 200 ms")
                    .contains("(gave up after 4 retries)");
        }

        List<String> bad = new ArrayList<>();
        assertThat(run(bad, "--idle-timeout", "0", "hi")).isEqualTo(2);
        assertThat(bad.getLast()).contains("--idle-timeout must be a positive number of seconds");
    }
}
