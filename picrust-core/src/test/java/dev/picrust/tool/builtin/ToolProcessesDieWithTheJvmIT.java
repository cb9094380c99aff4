package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Bash command and everything it started die when the JVM that ran it is killed with SIGKILL (no
 * shutdown hook runs): its session of its own would otherwise keep it alive to finish its effect.
 */
@Timeout(120)
class ToolProcessesDieWithTheJvmIT {
    @TempDir Path dir;

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /**
     * Starts the holder JVM with a command whose processes carry a marker in their arguments (pids
     * inside the sandbox are not the host's), waits until they all run, kills the JVM, and expects
     * each of them to go.
     */
    private void killTheJvmAndExpectTheCommandGone(String mode) throws Exception {
        String marker = Long.toString(System.nanoTime() % 1_000_000_000L);
        // The shell's own child, a background grandchild, and one in a process group of its own (job control).
        killTheJvmAndExpectTheCommandGone(mode, "sleep 6001." + marker + " & (set -m; sleep 6002." + marker
                + " & wait) & sleep 6003." + marker + "; wait", marker, 3, null);
    }

    /**
     * Runs {@code command} (which starts {@code processes} processes marked with {@code marker}) in
     * the holder JVM, with {@code path} as its PATH if given.
     */
    private void killTheJvmAndExpectTheCommandGone(String mode, String command, String marker, int processes, Path path)
            throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        ProcessBuilder holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ToolProcessHolder.class.getName(), work.toString(),
                command, mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (path != null) {
            holder.environment().put("PATH", path.toString());
        }
        Process jvm = holder.start();
        try {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            List<ProcessHandle> started = marked(marker);
            while (started.size() < processes) {
                assertThat(jvm.isAlive()).as("the holder JVM runs").isTrue();
                assertThat(System.nanoTime()).as("the command started its processes: " + started).isLessThan(deadline);
                Thread.sleep(10);  // polling /proc with a deadline: there is no event for another process's start
                started = marked(marker);
            }

            jvm.destroyForcibly();  // SIGKILL: no shutdown hook, no finally block runs in that JVM
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();

            long gone = System.nanoTime() + DEADLINE.toNanos();
            for (ProcessHandle process : started) {
                while (!ShellProcess.isGone(process)) {
                    assertThat(System.nanoTime()).as(process.pid() + " is killed after the JVM died").isLessThan(gone);
                    Thread.sleep(10);
                }
            }
        } finally {
            jvm.destroyForcibly();
            marked(marker).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Live processes whose command line is {@code sleep 600N.<marker>}. */
    private static List<ProcessHandle> marked(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> a.length == 1 && a[0].startsWith("600")
                        && a[0].endsWith("." + marker)).orElse(false))
                .filter(p -> !ShellProcess.isGone(p))
                .toList();
    }

    @Test
    void aCommandAndItsChildrenDieWhenTheJvmIsKilled() throws Exception {
        killTheJvmAndExpectTheCommandGone("unconfined");
    }

    /**
     * Without {@code pkill} the supervisor kills each group with the shell's own {@code kill}, whose
     * arguments dash reads differently from bash (it once took {@code -KILL --} for a bad pid, and
     * only pkill killed anything).
     */
    @Test
    void aCommandDiesWhenTheJvmIsKilledOnAMachineWithoutPkill() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-without-pkill"));
        for (String tool : List.of("sh", "bash", "setsid", "sleep", "kill")) {
            for (String folder : List.of("/usr/bin", "/bin")) {
                Path real = Path.of(folder, tool);
                if (Files.isExecutable(real) && !Files.exists(bin.resolve(tool))) {
                    Files.writeString(bin.resolve(tool), "#!/bin/sh\nexec " + real + " \"$@\"\n");
                    bin.resolve(tool).toFile().setExecutable(true);
                }
            }
        }
        String marker = Long.toString(System.nanoTime() % 1_000_000_000L);
        killTheJvmAndExpectTheCommandGone("unconfined", "sleep 6001." + marker + " & sleep 6003." + marker + "; wait",
                marker, 2, bin);
    }

    @Test
    void aSandboxedCommandDiesWhenTheJvmIsKilled() throws Exception {
        BashSandboxTest.requireSandbox();
        killTheJvmAndExpectTheCommandGone("sandboxed");
    }
}
