package dev.picrust.tool.builtin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Kills the tool processes of this JVM when the JVM dies, however it dies ({@code kill -9} included).
 * Shell commands run in sessions of their own (so that a timeout can kill their whole tree), which
 * means nothing ties them to the JVM: without this they finish their work after the agent is gone,
 * and a resumed agent may run them again.
 *
 * <p>One small {@code sh} process per JVM, started on the first tool process: it reads "+pgid" and
 * "-pgid" lines from a pipe whose only writer is this JVM, and when the pipe reaches end of file
 * (the kernel closes it when the JVM dies) it sends SIGKILL to every group still registered, and to
 * every process of their sessions ({@code pkill -s}, where installed). It ignores SIGINT, SIGHUP and
 * SIGTERM: a Ctrl-C at the terminal reaches the JVM's process group, and it is the JVM's death that
 * counts. {@code PR_SET_PDEATHSIG} alone would not do: it fires when the <em>thread</em> that started
 * the child ends, and the carrier threads of virtual threads come and go.
 *
 * <p>A registration is written before the command may begin (see {@link ShellProcess}), so there is
 * no moment when a command runs unregistered. Writes are serialised with a lock, never a monitor. If
 * the supervisor itself is gone (killed by someone), the next registration starts a new one and
 * registers every live group again.
 */
final class ProcessGroupSupervisor {
    private static final String SCRIPT = """
            trap '' INT HUP TERM
            groups=' '
            while IFS= read -r line; do
              case $line in
                +*) groups="$groups${line#+} " ;;
                -*) g=${line#-}; groups="${groups%% $g *} ${groups#* $g }" ;;
              esac
            done
            for g in $groups; do
              kill -KILL -- "-$g" 2>/dev/null
              command -v pkill >/dev/null 2>&1 && pkill -KILL -s "$g" 2>/dev/null
            done
            exit 0
            """;

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Set<Long> registered = new LinkedHashSet<>();
    private static Process supervisor;
    private static OutputStream commands;

    private ProcessGroupSupervisor() {}

    /**
     * Registers the process group {@code pgid} to be killed if this JVM dies. Returns why it could not
     * be registered, if it could not (the command then runs unsupervised rather than not at all).
     */
    static Optional<String> register(long pgid) {
        LOCK.lock();
        try {
            registered.add(pgid);
            if (supervisor != null && supervisor.isAlive() && send("+" + pgid).isEmpty()) {
                return Optional.empty();
            }
            return start();  // none yet, or it died: a new one, told every live group, this one included
        } finally {
            LOCK.unlock();
        }
    }

    /** The group is gone (its processes were waited for or killed): its id may be reused. */
    static void unregister(long pgid) {
        LOCK.lock();
        try {
            if (registered.remove(pgid) && supervisor != null && supervisor.isAlive()) {
                send("-" + pgid);
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** The supervisor's pid, if it runs (for tests). */
    static Optional<Long> pid() {
        LOCK.lock();
        try {
            return supervisor != null && supervisor.isAlive() ? Optional.of(supervisor.pid()) : Optional.empty();
        } finally {
            LOCK.unlock();
        }
    }

    /** Writes one line to the running supervisor; the caller holds LOCK. */
    private static Optional<String> send(String line) {
        try {
            commands.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            commands.flush();
            return Optional.empty();
        } catch (IOException e) {
            supervisor = null;  // gone: the next registration starts a new one
            return Optional.of("the process supervisor is not available (" + e.getMessage() + ")");
        }
    }

    /** Starts a supervisor and registers every live group with it; the caller holds LOCK. */
    private static Optional<String> start() {
        try {
            Process process = new ProcessBuilder("sh", "-c", SCRIPT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            supervisor = process;
            commands = process.getOutputStream();
        } catch (IOException e) {
            return Optional.of("the process supervisor could not start (" + e.getMessage() + ")");
        }
        StringBuilder all = new StringBuilder();
        for (long pgid : registered) {
            all.append('+').append(pgid).append('\n');
        }
        return send(all.substring(0, all.length() - 1));
    }
}
