package dev.picrust.tool.builtin;

import dev.picrust.sandbox.Sandbox;
import dev.picrust.sandbox.SandboxException;
import dev.picrust.secret.ToolEnvironment;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code bash -c} command with its whole process tree: started in a session of its own (via
 * {@code setsid} where available) so that {@link #killTree()} can reach every process it spawned,
 * including grandchildren that outlived their parent and were re-parented. stdin is
 * {@code /dev/null}; stdout and stderr are merged into {@link #output()}.
 *
 * <p>A session of its own also means the command would outlive the JVM, so it is registered with
 * the {@link ProcessGroupSupervisor} before it may begin: a small {@code sh} gate (the session's
 * leader) waits for "go" on its stdin, which this JVM writes only once the group is registered; if
 * the JVM dies first, the gate reads end of file and exits without running anything. Inside the
 * bubblewrap sandbox the gate stays as bwrap's parent rather than exec'ing it, so that bwrap's
 * {@code --die-with-parent} follows the gate (killed with the group) and not the JVM thread that
 * happened to start it (a virtual thread's carrier, which may end while the command runs).
 */
final class ShellProcess {
    private static final Optional<String> SETSID = findExecutable("setsid");
    private static final Optional<String> KILL = findExecutable("kill");
    private static final long KILL_WAIT_MILLIS = 3000;
    private static final String GATE = "IFS= read -r go && [ \"$go\" = go ] || exit 125; ";
    private static final String GATE_EXEC = GATE + "exec \"$@\" </dev/null";
    private static final String GATE_PARENT = GATE + "\"$@\" </dev/null; exit $?";
    /*
     * /proc/PID/stat reads "PID (COMMAND) STATE PPID PGRP ...". The command may hold spaces and
     * parentheses, so fields are counted from the last ')' — which lies within the first 64 bytes, as
     * a command name has at most 15 characters and a pid at most 7 digits.
     */
    private static final int STAT_PREFIX_BYTES = 128;

    private final Process process;
    private final boolean ownSession;

    private ShellProcess(Process process, boolean ownSession) {
        this.process = process;
        this.ownSession = ownSession;
    }

    /**
     * Starts {@code bash -c command} inside {@code sandbox}, with the environment {@code toolEnvironment}
     * allows. {@code alsoReadable}: folders the command must see inside the sandbox (saved outputs).
     */
    static ShellProcess start(String command, Path workingDirectory, Sandbox sandbox, ToolEnvironment toolEnvironment,
                              List<Path> alsoReadable) throws IOException, SandboxException {
        boolean supervised = SETSID.isPresent();
        List<String> argv = new ArrayList<>();
        if (supervised) {
            argv.addAll(List.of(SETSID.get(), "sh", "-c",
                    sandbox instanceof Sandbox.Unconfined ? GATE_EXEC : GATE_PARENT, "picrust-gate"));
        }
        argv.addAll(sandbox.wrap(List.of("bash", "-c", command), alsoReadable));
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectInput(supervised ? ProcessBuilder.Redirect.PIPE
                        : ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        toolEnvironment.scrub(env);
        env.putAll(sandbox.environment());
        // Nothing can answer a prompt (stdin is closed): make the usual prompters fail fast instead.
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.putIfAbsent("GIT_EDITOR", "true");
        env.putIfAbsent("PAGER", "cat");
        env.putIfAbsent("GIT_PAGER", "cat");
        Process process = builder.start();
        if (supervised) {
            ProcessGroupSupervisor.register(process.pid());  // if it cannot, the command runs unsupervised
            try (OutputStream gate = process.getOutputStream()) {
                gate.write("go\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // The gate is gone (killed from outside): nothing ran; the exit code tells the caller.
            }
        }
        return new ShellProcess(process, supervised);
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    InputStream output() {
        return process.getInputStream();
    }

    /**
     * Kills every process of the command: its session's process group (which includes children
     * re-parented after their parent died), every descendant still attached to it, and the shell
     * itself; then waits briefly until they are really gone, so callers can rely on it.
     */
    void killTree() {
        kill(ownSession ? groupMembers(pid()) : List.of());
    }

    /**
     * After the shell exited: kills what it left running in its process group (commands started
     * with {@code &} that would otherwise hold the output open and live on as orphans), and returns
     * once they are gone.
     *
     * <p>This runs after every command, so it starts by asking the supervisor to send SIGKILL to the
     * whole group, which also tells whether anything was in it. Usually nothing was, and {@code /proc}
     * is not read at all. Otherwise (under bubblewrap its outer process is still exiting, or is a
     * zombie not yet reaped, when the command's exit is reported) one look through {@code /proc}
     * finds what is still alive, and {@link #killTree}'s work is done on that.
     */
    void killLeftovers() {
        if (!ownSession) {
            return;
        }
        if (ProcessGroupSupervisor.killGroup(pid()) == ProcessGroupSupervisor.GroupState.EMPTY) {
            if (!process.isAlive()) {
                ProcessGroupSupervisor.unregister(pid());
            }
            return;
        }
        List<ProcessHandle> members = groupMembers(pid());
        if (!members.isEmpty()) {
            kill(members);
        } else if (!process.isAlive()) {
            ProcessGroupSupervisor.unregister(pid());
        }
    }

    /** Kills the shell, its descendants and {@code members} (of its group, just looked up), and the group. */
    private void kill(List<ProcessHandle> members) {
        Map<Long, ProcessHandle> victims = new LinkedHashMap<>();
        ProcessHandle root = process.toHandle();
        victims.put(root.pid(), root);
        root.descendants().forEach(h -> victims.put(h.pid(), h));
        if (ownSession) {
            members.forEach(h -> victims.put(h.pid(), h));
            signalGroup();
        }
        victims.values().forEach(ProcessHandle::destroyForcibly);
        awaitGone(victims.values());
        if (ownSession) {
            // Anything forked while we were killing: one more sweep of the group.
            List<ProcessHandle> late = groupMembers(pid());
            if (late.isEmpty() && !process.isAlive()) {
                ProcessGroupSupervisor.unregister(pid());  // that sweep found the group empty: no third one
                return;
            }
            late.forEach(ProcessHandle::destroyForcibly);
            awaitGone(late);
            releaseIfGone();
        }
    }

    /** Once the group is empty its id may be reused: the supervisor must forget it. */
    private void releaseIfGone() {
        if (ownSession && !process.isAlive() && groupMembers(pid()).isEmpty()) {
            ProcessGroupSupervisor.unregister(pid());
        }
    }

    private void signalGroup() {
        if (ProcessGroupSupervisor.killGroup(pid()) != ProcessGroupSupervisor.GroupState.UNKNOWN || KILL.isEmpty()) {
            return;  // the supervisor's built-in kill did it, without starting a process
        }
        try {
            Process kill = new ProcessBuilder(KILL.get(), "-KILL", "--", "-" + pid())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(KILL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            // Falls back to killing the processes found one by one.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Live processes whose process group is {@code pgid} (Linux {@code /proc}; empty elsewhere).
     * Reads every process's {@code stat}, so it is written to be cheap even before it is compiled:
     * one buffer, no streams, no strings per process but its name.
     */
    static List<ProcessHandle> groupMembers(long pgid) {
        String[] pids = new File("/proc").list();
        if (pids == null) {
            return List.of();
        }
        List<ProcessHandle> members = new ArrayList<>();
        byte[] stat = new byte[STAT_PREFIX_BYTES];
        for (String pid : pids) {
            if (pid.isEmpty() || pid.charAt(0) < '1' || pid.charAt(0) > '9') {
                continue;
            }
            int length;
            try (InputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
                length = in.readNBytes(stat, 0, stat.length);
            } catch (IOException e) {
                continue;  // exited since the listing
            }
            if (groupOf(stat, length) == pgid && stateOf(stat, length) != 'Z') {
                try {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(members::add);
                } catch (NumberFormatException e) {
                    // not a process folder
                }
            }
        }
        return members;
    }

    /** True once the process has exited (a zombie waiting to be reaped counts as gone). */
    static boolean isGone(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return true;
        }
        byte[] stat = new byte[STAT_PREFIX_BYTES];
        try (InputStream in = new FileInputStream("/proc/" + handle.pid() + "/stat")) {
            return stateOf(stat, in.readNBytes(stat, 0, stat.length)) == 'Z';
        } catch (IOException e) {
            return false;  // no /proc (not Linux): isAlive said it lives
        }
    }

    /** The STATE letter, or 0 if the text is not a stat line. */
    static char stateOf(byte[] stat, int length) {
        int close = lastParen(stat, length);
        return close >= 0 && close + 2 < length ? (char) stat[close + 2] : 0;
    }

    /** The PGRP field, or -1 if the text is not a stat line. */
    static long groupOf(byte[] stat, int length) {
        int close = lastParen(stat, length);
        if (close < 0) {
            return -1;
        }
        int i = close + 4;  // past ") S "
        while (i < length && stat[i] != ' ') {
            i++;  // PPID
        }
        i++;
        long group = 0;
        int digits = 0;
        for (; i < length && stat[i] >= '0' && stat[i] <= '9'; i++, digits++) {
            group = group * 10 + (stat[i] - '0');
        }
        return digits > 0 && i < length && stat[i] == ' ' ? group : -1;
    }

    private static int lastParen(byte[] stat, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (stat[i] == ')') {
                return i;
            }
        }
        return -1;
    }

    private static void awaitGone(Iterable<ProcessHandle> handles) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_WAIT_MILLIS);
        for (ProcessHandle handle : handles) {
            // SIGKILL is delivered asynchronously; there is no event for a non-child's death, so poll briefly.
            while (!isGone(handle) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static Optional<String> findExecutable(String name) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        if (path != null) {
            dirs.addAll(0, List.of(path.split(File.pathSeparator)));
        }
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
