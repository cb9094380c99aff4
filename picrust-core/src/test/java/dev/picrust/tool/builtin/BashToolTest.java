package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.event.OutputChunk;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BashToolTest {
    @TempDir
    Path temp;
    TestToolContext context;
    Path outputs;
    BashTool bash;

    @BeforeEach
    void setUp() throws Exception {
        context = TestToolContext.in(temp);
        outputs = temp.resolve("outputs");
        bash = new BashTool(outputs);
    }

    @AfterEach
    void tearDown() throws Exception {
        context.closeResources();
    }

    ToolResult bash(String command) throws Exception {
        return context.run(bash, Json.object().put("command", command));
    }

    ToolResult bash(String command, long timeoutMillis) throws Exception {
        return context.run(bash, Json.object().put("command", command).put("timeout", timeoutMillis));
    }

    static boolean isDead(long pid) {
        return ProcessHandle.of(pid).map(ShellProcess::isGone).orElse(true);
    }

    static long firstNumber(String text) {
        Matcher m = Pattern.compile("(\\d+)").matcher(text);
        assertThat(m.find()).as("a pid in: " + text).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aSupervisorKilledFromOutsideIsReplacedByTheNextCommand() throws Exception {
        assertThat(bash("true").isError()).isFalse();
        long first = ProcessGroupSupervisor.pid().orElseThrow();
        ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(first).ifPresent(h -> h.onExit().join());

        ToolResult next = bash("echo still runs");
        assertThat(next.isError()).as(next.text()).isFalse();
        assertThat(next.text()).contains("still runs");
        assertThat(ProcessGroupSupervisor.pid()).isPresent().get().isNotEqualTo(first);
    }

    @Test
    void runsInTheWorkingDirectoryAndReportsTheExitCode() throws Exception {
        ToolResult result = bash("pwd; echo to-stderr >&2");
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).isEqualTo(context.workingDirectory() + "\nto-stderr\nExit code: 0");
    }

    @Test
    void nonZeroExitIsAnError() throws Exception {
        ToolResult result = bash("echo failing; exit 3");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).isEqualTo("failing\nExit code: 3");
    }

    @Test
    void emptyOutputIsSaidExplicitly() throws Exception {
        assertThat(bash("true").text()).isEqualTo("(no output)\nExit code: 0");
    }

    @Test
    void stdinIsClosedSoReadersDoNotHang() throws Exception {
        ToolResult result = bash("cat; read x || echo no-input");
        assertThat(result.text()).isEqualTo("no-input\nExit code: 0");
    }

    @Test
    void timeoutKillsTheWholeTreeIncludingGrandchildren() throws Exception {
        Path pidFile = context.workingDirectory().resolve("orphan.pid");
        // A child attached to the shell, and a double-forked grandchild re-parented away from it.
        ToolResult result = bash("sleep 1000 & echo $!; (sleep 1001 & echo $! > orphan.pid); wait", 1500);
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("Command timed out after 1500 ms");
        long child = firstNumber(result.text());
        long orphan = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(isDead(child)).as("child %d is dead", child).isTrue();
        assertThat(isDead(orphan)).as("re-parented grandchild %d is dead", orphan).isTrue();
    }

    @Test
    void backgroundProcessesLeftBehindAreKilledWhenTheCommandEnds() throws Exception {
        long started = System.nanoTime();
        ToolResult result = bash("sleep 1000 & echo $!");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
        assertThat(result.isError()).isFalse();
        assertThat(isDead(firstNumber(result.text()))).isTrue();
    }

    @Test
    void leftBehindProcessesReParentedAwayFromTheShellAreKilledToo() throws Exception {
        Path pidFile = context.workingDirectory().resolve("orphan.pid");
        // Double-forked: its parent exits at once, so it is no descendant of the shell, only in its group.
        ToolResult result = bash("(sleep 1000 & echo $! > orphan.pid); sleep 1001 & echo $!");
        assertThat(result.isError()).as(result.text()).isFalse();
        long orphan = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(isDead(orphan)).as("re-parented %d is dead", orphan).isTrue();
        assertThat(isDead(firstNumber(result.text()))).isTrue();
    }

    @Test
    void aCommandThatLeavesNothingBehindReleasesItsGroup() throws Exception {
        ToolResult result = bash("echo $$");
        assertThat(result.isError()).isFalse();
        long group = firstNumber(result.text());
        assertThat(ProcessGroupSupervisor.killGroup(group)).isEqualTo(ProcessGroupSupervisor.GroupState.EMPTY);
        assertThat(ShellProcess.groupMembers(group)).isEmpty();
    }

    @Test
    void cancellationKillsTheTreeAndEndsTheCall() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        context.onChunk(chunk -> {
            if (chunk instanceof OutputChunk.ToolProgress p && p.output().contains("ready")) {
                started.countDown();
            }
        });
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> {
            try {
                return bash("sleep 1000 & echo $! ready; wait");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        context.cancellation().cancel();
        ToolResult result = call.get(20, TimeUnit.SECONDS);
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("Command was interrupted");
        assertThat(isDead(firstNumber(result.text()))).isTrue();
    }

    @Test
    void hugeOutputKeepsHeadAndTailAndSavesTheFullOutput() throws Exception {
        ToolResult result = bash("seq 1 200000");
        String text = result.text();
        assertThat(result.isError()).isFalse();
        assertThat(text).startsWith("1\n2\n3\n").contains("\n199999\n200000\n").endsWith("Exit code: 0");
        assertThat(text.length()).isLessThan(BashTool.MAX_OUTPUT_CHARS + 400);
        Matcher marker = Pattern.compile("\\[(\\d+) characters cut from the middle of the output; the full output was saved to (\\S+)]")
                .matcher(text);
        assertThat(marker.find()).as(text.substring(14000, 15500)).isTrue();
        long total = Files.readString(Path.of(marker.group(2))).length();
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 200000; i++) {
            expected.append(i).append('\n');
        }
        assertThat(Files.readString(Path.of(marker.group(2)))).isEqualTo(expected.toString());
        assertThat(Long.parseLong(marker.group(1))).isEqualTo(total - BashTool.MAX_OUTPUT_CHARS);
    }

    @Test
    void truncationIsUtf8SafeAndNeverSplitsSurrogatePairs() throws Exception {
        // 4-byte characters (two UTF-16 chars each) around both cut points, and invalid bytes.
        ToolResult result = bash("for i in $(seq 1 20000); do printf '\\xf0\\x9f\\x98\\x80'; done; printf '\\xff\\xfe end'");
        String text = result.text();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))).as("pair at " + i).isTrue();
                i++;
            } else {
                assertThat(Character.isLowSurrogate(c)).as("lone low surrogate at " + i).isFalse();
            }
        }
        assertThat(text).contains("😀😀").contains("\uFFFD\uFFFD end").contains("characters cut");
    }

    @Test
    void liveOutputIsStreamedAsProgress() throws Exception {
        bash("for i in 1 2 3; do echo line $i; done");
        assertThat(context.progressText()).isEqualTo("line 1\nline 2\nline 3\n");
        assertThat(context.chunks(OutputChunk.ToolProgress.class))
                .allSatisfy(p -> assertThat(p.id()).isEqualTo("toolu_bash"));
    }

    @Test
    void timeoutIsClampedToTheMaximum() throws Exception {
        ObjectNode input = Json.object().put("command", "echo quick").put("timeout", 99_000_000);
        assertThat(context.run(bash, input).text()).isEqualTo("quick\nExit code: 0");
    }

    @Test
    void backgroundShellsCanBeReadAndKilled() throws Exception {
        ToolResult started = context.run(bash, Json.object()
                .put("command", "echo first; sleep 1000 & echo child $!; wait").put("run_in_background", true));
        assertThat(started.isError()).isFalse();
        assertThat(started.text()).startsWith("Command running in background with ID: bash_1");
        BackgroundShells shells = context.agentResource(BackgroundShells.class, BackgroundShells::new);
        BackgroundShell shell = shells.find("bash_1").orElseThrow();

        // Wait for the output through the log file's reader: BashOutput returns what has arrived.
        StringBuilder seen = new StringBuilder();
        BashOutputTool output = new BashOutputTool();
        while (!seen.toString().contains("child")) {
            ToolResult read = context.run(output, Json.object().put("bash_id", "bash_1"));
            assertThat(read.text()).startsWith("Shell bash_1 (echo first; sleep 1000 & echo child $!; wait): running");
            seen.append(read.text().substring(read.text().indexOf('\n') + 1).replace("(no new output)\n", ""));
            Thread.onSpinWait();
        }
        assertThat(seen.toString()).startsWith("first\nchild ");
        long child = firstNumber(seen.substring(seen.indexOf("child")));

        ToolResult killed = context.run(new KillBashTool(), Json.object().put("shell_id", "bash_1"));
        assertThat(killed.text()).startsWith("Killed background shell bash_1");
        assertThat(isDead(child)).isTrue();
        assertThat(shell.status()).isEqualTo(BackgroundShell.Status.KILLED);
        assertThat(context.run(output, Json.object().put("bash_id", "bash_1")).text()).contains(": killed");
        assertThat(context.run(output, Json.object().put("bash_id", "bash_9")).text()).contains("No background shell with ID bash_9");
    }

    @Test
    void backgroundShellsReportTheirExitCode() throws Exception {
        context.run(bash, Json.object().put("command", "echo done; exit 4").put("run_in_background", true));
        BackgroundShell shell = context.agentResource(BackgroundShells.class, BackgroundShells::new).find("bash_1").orElseThrow();
        assertThat(shell.awaitFinished(java.time.Duration.ofSeconds(20))).isTrue();
        ToolResult read = context.run(new BashOutputTool(), Json.object().put("bash_id", "bash_1"));
        assertThat(read.text()).isEqualTo("Shell bash_1 (echo done; exit 4): exited with code 4\ndone\n");
    }

    @Test
    void stoppingTheAgentKillsBackgroundShells() throws Exception {
        ToolResult started = context.run(bash, Json.object()
                .put("command", "sleep 1000").put("run_in_background", true));
        long pid = firstNumber(started.text().substring(started.text().indexOf("pid")));
        context.closeResources();
        assertThat(isDead(pid)).isTrue();
    }

    @Test
    void outputOfABackgroundShellIsLogged() throws Exception {
        context.run(bash, Json.object().put("command", "printf 'logged\\n'").put("run_in_background", true));
        BackgroundShell shell = context.agentResource(BackgroundShells.class, BackgroundShells::new).find("bash_1").orElseThrow();
        assertThat(shell.awaitFinished(java.time.Duration.ofSeconds(20))).isTrue();
        assertThat(Files.readString(shell.logFile(), StandardCharsets.UTF_8)).isEqualTo("logged\n");
        assertThat(shell.logFile()).startsWith(outputs);
    }

    @Test
    void bashIsNotConcurrencySafe() {
        assertThat(bash.concurrencySafe()).isFalse();
        assertThat(bash.readOnly()).isFalse();
    }
}
