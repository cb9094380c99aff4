package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.permission.ProtectedPaths;
import dev.picrust.sandbox.BubblewrapSandbox;
import dev.picrust.sandbox.Sandbox;
import dev.picrust.sandbox.SandboxMode;
import dev.picrust.sandbox.SandboxSettings;
import dev.picrust.secret.ToolEnvironment;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bash tool inside a real bubblewrap sandbox: whatever the permission rules let through, the
 * kernel keeps the command inside the workspace and away from the rules files. Needs {@code bwrap}
 * (CI installs the {@code bubblewrap} package; with {@code PICRUST_REQUIRE_SANDBOX=1} a missing
 * sandbox fails these tests instead of skipping them).
 */
public class BashSandboxTest {
    @TempDir Path temp;
    TestToolContext context;
    Path home;
    Path outside;
    Path privateTemp;
    Path visible;

    @AfterEach
    void cleanUp() throws Exception {
        if (visible != null) {
            try (var files = Files.walk(visible)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** For agent tests in other packages that rely on the default sandbox of headless agents. */
    public static void requireSandboxForAgents() {
        requireSandbox();
    }

    static void requireSandbox() {
        var problem = BubblewrapSandbox.availability();
        if ("1".equals(System.getenv("PICRUST_REQUIRE_SANDBOX"))) {
            assertThat(problem).as("the bubblewrap sandbox must work in CI").isEmpty();
        }
        Assumptions.assumeTrue(problem.isEmpty(), () -> "no bubblewrap sandbox here: " + problem.orElse(""));
    }

    @BeforeEach
    void setUp() throws Exception {
        requireSandbox();
        context = TestToolContext.in(temp);
        // Outside /tmp, which the sandbox replaces by a private folder: these must be visible to be attacked.
        visible = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "sandbox-test-");
        home = Files.createDirectories(visible.resolve("home/permissions"));
        Files.writeString(home.resolve("global.json"), "{\"deny\":[\"Bash(rm:*)\"]}\n");
        outside = Files.createDirectories(visible.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "precious\n");
        privateTemp = Files.createDirectories(temp.resolve("private-tmp"));
        context.sandboxed(sandbox(true));
    }

    Sandbox sandbox(boolean network) {
        ProtectedPaths guarded = ProtectedPaths.standard(visible.resolve("home"), context.workingDirectory());
        return Sandbox.resolve(new SandboxSettings(SandboxMode.ON, network, List.of()), true,
                context.workingDirectory(), guarded.paths(), privateTemp);
    }

    ToolResult bash(String command) throws Exception {
        return context.run(new BashTool(temp.resolve("outputs")), Json.object().put("command", command));
    }

    @Test
    void theWorkspaceIsWritableAndNothingOutsideIt() throws Exception {
        ToolResult inside = bash("echo made > inside.txt && cat inside.txt");
        assertThat(inside.isError()).as(inside.text()).isFalse();
        assertThat(Files.readString(context.workingDirectory().resolve("inside.txt"))).isEqualTo("made\n");

        ToolResult overwrite = bash("echo pwned > " + outside.resolve("victim") + "; rm -f " + outside.resolve("victim"));
        assertThat(overwrite.isError()).isTrue();
        assertThat(overwrite.text()).contains("Read-only file system");
        assertThat(Files.readString(outside.resolve("victim"))).isEqualTo("precious\n");
        assertThat(bash("touch $HOME/picrust-sandbox-probe").isError()).isTrue();
    }

    @Test
    void theRulesFilesCannotBeTouchedEvenWhenTheCommandHidesTheirPath() throws Exception {
        // Spelled backwards and reversed at run time: no text check can see this path.
        String hidden = new StringBuilder(home.resolve("global.json").toString()).reverse().toString();
        ToolResult result = bash("p=$(echo '" + hidden + "' | rev); echo '{\"allow\":[\"Bash\"]}' > \"$p\"; rm -f \"$p\"");
        assertThat(result.isError()).isTrue();
        assertThat(Files.readString(home.resolve("global.json"))).isEqualTo("{\"deny\":[\"Bash(rm:*)\"]}\n");
    }

    @Test
    void protectedFilesInsideTheWorkspaceStayReadOnly() throws Exception {
        Path git = Files.createDirectories(context.workingDirectory().resolve(".git/hooks"));
        Files.writeString(git.getParent().resolve("config"), "[core]\n\tbare = false\n");
        Files.createDirectories(context.workingDirectory().resolve(".picrust"));
        context.sandboxed(sandbox(true));  // re-resolved: the repository exists now

        ToolResult result = bash("printf '[core]\\n\\tfsmonitor = touch pwned\\n' >> .git/config; "
                + "echo 'touch pwned' > .git/hooks/pre-commit; echo '{}' > .picrust/settings.json; echo ok > ok.txt");
        assertThat(result.text()).contains("Read-only file system");
        assertThat(Files.readString(git.getParent().resolve("config"))).doesNotContain("fsmonitor");
        assertThat(git.resolve("pre-commit")).doesNotExist();
        assertThat(context.workingDirectory().resolve(".picrust/settings.json")).doesNotExist();
        assertThat(context.workingDirectory().resolve("ok.txt")).exists();
    }

    @Test
    void tmpIsPrivateToTheAgentAndKeptBetweenCommands() throws Exception {
        String name = "picrust-sandbox-" + System.nanoTime();
        assertThat(bash("echo scratch > /tmp/" + name).isError()).isFalse();
        assertThat(bash("cat /tmp/" + name).text()).contains("scratch");
        assertThat(Path.of("/tmp", name)).doesNotExist();
        assertThat(privateTemp.resolve(name)).exists();
    }

    @Test
    void theNetworkCanBeCutOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String connect = "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo connected";
            assertThat(bash(connect).text()).contains("connected");
            context.sandboxed(sandbox(false));
            ToolResult cut = bash(connect);
            assertThat(cut.isError()).isTrue();
            assertThat(cut.text()).doesNotContain("connected");
        }
    }

    @Test
    void backgroundShellsRunInTheSandboxToo() throws Exception {
        ToolResult started = context.run(new BashTool(temp.resolve("outputs")), Json.object()
                .put("command", "echo bg > " + outside.resolve("victim") + "; echo done-writing").put("run_in_background", true));
        assertThat(started.isError()).as(started.text()).isFalse();
        BackgroundShell shell = context.agentResource(BackgroundShells.class, BackgroundShells::new).find("bash_1").orElseThrow();
        assertThat(shell.awaitFinished(Duration.ofSeconds(30))).isTrue();
        assertThat(shell.readNew(java.util.Optional.empty()).output()).contains("Read-only file system");
        assertThat(Files.readString(outside.resolve("victim"))).isEqualTo("precious\n");
        context.closeResources();
    }

    @Test
    void aTimedOutCommandAndEverythingItStartedDie() throws Exception {
        String marker = "299." + (System.nanoTime() % 1000);
        ToolResult result = context.run(new BashTool(temp.resolve("outputs")), Json.object()
                .put("command", "sleep " + marker + " & sleep " + marker).put("timeout", 1500));
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("timed out");
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)).toList()).isEmpty();
    }

    @Test
    void processesACommandLeavesRunningAreGoneWhenItsResultIsBack() throws Exception {
        String marker = "298." + (System.nanoTime() % 1000);
        ToolResult result = bash("sleep " + marker + " & (sleep " + marker + " &) ; echo started");
        assertThat(result.isError()).as(result.text()).isFalse();
        assertThat(result.text()).startsWith("started");
        assertThat(ProcessHandle.allProcesses().filter(p -> !ShellProcess.isGone(p))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)).toList()).isEmpty();
    }

    @Test
    void credentialsAreNotInheritedButChosenVariablesPass() throws Exception {
        String env = bash("env").text();
        assertThat(env).doesNotContain("PICRUST_TEST_API_KEY").doesNotContain("picrust-test-known-key")
                .doesNotContain("PICRUST_TEST_SHAPED").contains("PICRUST_TEST_PLAIN=plain-value");
        context.environment(ToolEnvironment.defaults().passing(Set.of("PICRUST_TEST_API_KEY")));
        assertThat(bash("echo \"[$PICRUST_TEST_API_KEY]\"").text()).contains("[picrust-test-known-key-0123456789]");
    }

    @Test
    void aRequiredSandboxThatCannotRunRefusesTheCommand() throws Exception {
        context.sandboxed(new Sandbox.Unavailable("bwrap is not installed"));
        ToolResult result = bash("echo hi > " + outside.resolve("victim"));
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("bwrap is not installed").contains("not run");
        assertThat(Files.readString(outside.resolve("victim"))).isEqualTo("precious\n");
    }
}
