package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.tool.builtin.BuiltinTools;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.permission.PermissionMode;
import dev.picrust.permission.PermissionTier;
import dev.picrust.permission.RuleStore;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import dev.picrust.sandbox.SandboxMode;
import dev.picrust.sandbox.SandboxSettings;
import dev.picrust.tool.builtin.BashTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The three ways issue 10 found for an agent to rewrite its own rules, replayed against real agents,
 * real tools and a real rules folder, with the sandbox off so that the permission layer alone must
 * hold; plus the human's way through, which must stay open.
 */
class ProtectedSettingsTest extends LoopTestBase {
    Path home;
    Path global;
    RuleStore rules;

    @BeforeEach
    void rulesFolder() throws IOException {
        home = dir.resolve("picrust-home");
        global = Files.createDirectories(home.resolve("permissions")).resolve("global.json");
        rules = new RuleStore(home);
        rules.add(PermissionTier.GLOBAL, "agent", dev.picrust.event.PermissionBehavior.DENY,
                dev.picrust.permission.PermissionRule.parse("Bash(rm:*)"));
        Files.writeString(work.resolve("victim"), "precious\n");
    }

    AgentConfig.Builder unsandboxed(QueueProvider provider, Permissions permissions) {
        return config(provider, new BashTool(dir.resolve("outputs")), BuiltinTools.all().stream().filter(t -> t.name().equals("Write")).findFirst().orElseThrow())
                .permissions(permissions.withStore(rules))
                .sandbox(SandboxSettings.defaults().withMode(SandboxMode.OFF));
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aShellCommandUnderANarrowAllowCannotRewriteTheGlobalRules() throws Exception {
        String globalBefore = Files.readString(global);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Bash",
                        "{\"command\":\"echo '{\\\"allow\\\":[\\\"Bash\\\"]}' > $PICRUST_HOME/permissions/global.json\"}")))
                .then(r -> toolCalls(call("t2", "Bash", "{\"command\":\"rm -f victim\"}")))
                .then(r -> text("done"));
        AgentHandle h = runtime.spawn(unsandboxed(provider, Permissions.defaults().allow("Bash(echo:*)")).build(), "a1");
        Subscription sub = h.subscribe();
        h.send("go");
        untilDone(sub);

        assertThat(result("a1", "t1").text()).contains("protected settings").contains("Nobody is available to approve it");
        assertThat(Files.readString(global)).isEqualTo(globalBefore);
        assertThat(result("a1", "t2").text()).contains("matches the deny rule Bash(rm:*) [global]");
        assertThat(work.resolve("victim")).exists();
    }

    @Test
    void aRulesFileRewrittenBehindTheAgentsBackDoesNotWidenItsRules() throws Exception {
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Bash", "{\"command\":\"echo warm-up\"}")))
                .then(r -> {
                    // What a command that slipped past every check would have done: no deny, allow everything.
                    write(global, "{\"allow\":[\"Bash\"],\"deny\":[]}\n");
                    return toolCalls(call("t2", "Bash", "{\"command\":\"rm -f victim\"}"),
                            call("t3", "Bash", "{\"command\":\"touch made-by-broad-allow\"}"));
                })
                .then(r -> text("done"));
        AgentHandle h = runtime.spawn(unsandboxed(provider, Permissions.defaults().allow("Bash(echo:*)")).build(), "a1b");
        Subscription sub = h.subscribe();
        h.send("go");
        untilDone(sub);

        assertThat(result("a1b", "t1").isError()).isFalse();
        assertThat(result("a1b", "t2").text()).contains("deny rule Bash(rm:*) [global]");
        assertThat(work.resolve("victim")).exists();
        assertThat(result("a1b", "t3").text()).contains("Nobody is available to approve it");
        assertThat(work.resolve("made-by-broad-allow")).doesNotExist();

        // The same change made through the RuleStore (picrust permissions, the console) does apply.
        new RuleStore(home).add(PermissionTier.GLOBAL, "agent", dev.picrust.event.PermissionBehavior.ALLOW,
                dev.picrust.permission.PermissionRule.parse("Bash(touch:*)"));
        provider.then(r -> toolCalls(call("t4", "Bash", "{\"command\":\"touch made-by-broad-allow\"}")))
                .then(r -> text("done"));
        h.send("again");
        untilDone(sub);
        assertThat(work.resolve("made-by-broad-allow")).exists();
    }

    @Test
    void acceptEditsCannotWriteTheAgentTypesRulesFile() throws Exception {
        Path local = home.resolve("permissions/agents/agent.json");
        for (PermissionMode mode : List.of(PermissionMode.ACCEPT_EDITS, PermissionMode.BYPASS_PERMISSIONS)) {
            String id = "a2-" + mode.wireName();
            QueueProvider provider = new QueueProvider()
                    .then(r -> toolCalls(call("t1", "Write", Json.object().put("file_path", local.toString())
                            .put("content", "{\"allow\":[\"Bash\"]}").toString())))
                    .then(r -> text("done"));
            // The working directory is the PiCrust home itself, so acceptEdits would cover the file.
            AgentHandle h = runtime.spawn(unsandboxed(provider, Permissions.defaults().withMode(mode).allow("Write"))
                    .workingDirectory(home).build(), id);
            Subscription sub = h.subscribe();
            h.send("go");
            untilDone(sub);
            assertThat(result(id, "t1").text()).as(mode.wireName()).contains("protected settings");
            assertThat(local).doesNotExist();
        }
    }

    @Test
    void acceptEditsCannotPlantCodeInGitConfigForALaterGitStatus() throws Exception {
        git("init", "-q");
        Path config = work.resolve(".git/config");
        String configBefore = Files.readString(config);
        String planted = configBefore + "[core]\n\tfsmonitor = touch fsmonitor-ran\n";
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Write", Json.object().put("file_path", ".git/config")
                        .put("content", planted).toString())))
                .then(r -> toolCalls(call("t2", "Bash", "{\"command\":\"git config core.fsmonitor 'touch fsmonitor-ran'\"}")))
                .then(r -> toolCalls(call("t3", "Bash", "{\"command\":\"git status\"}")))
                .then(r -> text("done"));
        AgentHandle h = runtime.spawn(unsandboxed(provider, Permissions.defaults().withMode(PermissionMode.ACCEPT_EDITS)
                .allow("Bash(git status:*)", "Bash(git:*)")).build(), "a3");
        Subscription sub = h.subscribe();
        h.send("go");
        untilDone(sub);

        assertThat(result("a3", "t1").text()).contains("protected settings");
        assertThat(result("a3", "t2").text()).contains("protected settings");
        assertThat(result("a3", "t3").isError()).isFalse();
        assertThat(Files.readString(config)).isEqualTo(configBefore);
        assertThat(work.resolve("fsmonitor-ran")).doesNotExist();
    }

    @Test
    void aHumanCanApproveOnceButAlwaysIsNotRemembered() throws Exception {
        Path settings = work.resolve(".picrust/settings.json");
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Write", Json.object().put("file_path", ".picrust/settings.json")
                        .put("content", "{}").toString())))
                .then(r -> text("done"));
        AgentHandle h = runtime.spawn(unsandboxed(provider, Permissions.defaults().allow("Write"))
                .interactive(true).build(), "a4");
        Subscription sub = h.subscribe();
        h.send("go");
        OutputChunk.PermissionRequest request = (OutputChunk.PermissionRequest)
                until(sub, OutputChunk.PermissionRequest.class::isInstance).getLast();
        assertThat(request.reason()).contains("protected settings");
        h.answerPermission(request.requestId(), PermissionAnswer.allowAlways(PermissionTier.LOCAL));
        untilDone(sub);

        assertThat(Files.readString(settings)).isEqualTo("{}");
        assertThat(home.resolve("permissions/agents/agent.json")).doesNotExist();
    }

    @Test
    void aHeadlessAgentIsSandboxedByDefaultAndABroadAllowStaysInTheWorkspace() throws Exception {
        dev.picrust.tool.builtin.BashSandboxTest.requireSandboxForAgents();
        Path outside = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "agent-sandbox-");
        Path victim = Files.writeString(outside.resolve("victim"), "precious\n");
        try {
            QueueProvider provider = new QueueProvider()
                    .then(r -> toolCalls(call("t1", "Bash", Json.object().put("command",
                            "echo pwned > " + victim + "; echo inside > inside.txt").toString())))
                    .then(r -> text("done"));
            AgentHandle h = runtime.spawn(config(provider, new BashTool(dir.resolve("outputs")))
                    .permissions(Permissions.defaults().allow("Bash").withStore(rules)).build(), "a5");
            Subscription sub = h.subscribe();
            h.send("go");
            untilDone(sub);
            assertThat(result("a5", "t1").text()).contains("Read-only file system");
            assertThat(Files.readString(victim)).isEqualTo("precious\n");
            assertThat(work.resolve("inside.txt")).exists();
        } finally {
            Files.deleteIfExists(victim);
            Files.deleteIfExists(outside);
        }
    }

    void git(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
}
