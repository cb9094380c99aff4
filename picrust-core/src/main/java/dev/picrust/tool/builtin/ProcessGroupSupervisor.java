package dev.picrust.tool.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 *
 * <p>The supervisor also does for the JVM what Java cannot ask of the kernel: {@code kill(-pgid,
 * SIGKILL)} on a whole process group, with the shell's built-in {@code kill}, answering whether the
 * group had any process ({@link #killGroup}). After every command the Bash tool must kill what the
 * command left in its group; asking this way costs a line each way on a pipe, where looking through
 * {@code /proc} costs a read of every process's {@code stat}, and starting {@code kill} a process.
 */
final class ProcessGroupSupervisor {
    // `kill -s KILL --`, not `kill -KILL --`: dash's kill takes the latter's "--" for a pid and fails.
    // SIGPIPE is ignored too: a reply written after the JVM died must not kill the supervisor before
    // it has killed the groups.
    static final String SCRIPT = """
            trap '' INT HUP TERM PIPE
            groups=' '
            while IFS= read -r line; do
              case $line in
                +*) groups="$groups${line#+} " ;;
                -*) g=${line#-}; groups="${groups%% $g *} ${groups#* $g }" ;;
                k*) if kill -s KILL -- "-${line#k}" 2>/dev/null; then echo "${line#k} 1"; else echo "${line#k} 0"; fi ;;
              esac
            done
            for g in $groups; do
              kill -s KILL -- "-$g" 2>/dev/null
              command -v pkill >/dev/null 2>&1 && pkill -KILL -s "$g" 2>/dev/null
            done
            exit 0
            """;
    /** A reply takes microseconds; one that does not come within this means a stuck supervisor. */
    private static final long REPLY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What the supervisor found in a process group. */
    enum GroupState {
        /** No process, not even a zombie, is in the group. */
        EMPTY,
        /** At least one process (perhaps a zombie not yet reaped) is in the group. */
        OCCUPIED,
        /** No supervisor runs, or it did not answer: the caller must look for itself. */
        UNKNOWN
    }

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Set<Long> registered = new LinkedHashSet<>();
    private static Process supervisor;
    private static OutputStream commands;
    private static InputStream replies;

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

    /**
     * Sends SIGKILL to every process of group {@code pgid}; says whether there was any (a zombie
     * counts: it is dead, but not yet reaped). Starts no supervisor: UNKNOWN when none runs.
     */
    static GroupState killGroup(long pgid) {
        return ask('k', pgid);
    }

    /**
     * Writes {@code op} and the group's id, and reads the supervisor's "pgid 0|1" reply. A reply to an
     * earlier question that gave up waiting carries another id and is skipped.
     */
    private static GroupState ask(char op, long pgid) {
        LOCK.lock();
        try {
            if (supervisor == null || !supervisor.isAlive() || send(op + Long.toString(pgid)).isPresent()) {
                return GroupState.UNKNOWN;
            }
            String expected = pgid + " ";
            StringBuilder line = new StringBuilder();
            long deadline = System.nanoTime() + REPLY_WAIT_NANOS;
            long pause = 1_000;
            while (true) {
                if (replies.available() > 0) {
                    int b = replies.read();
                    if (b < 0) {
                        return GroupState.UNKNOWN;
                    }
                    if (b != '\n') {
                        line.append((char) b);
                    } else if (line.toString().startsWith(expected)) {
                        return line.charAt(line.length() - 1) == '1' ? GroupState.OCCUPIED : GroupState.EMPTY;
                    } else {
                        line.setLength(0);
                    }
                } else if (System.nanoTime() - deadline >= 0 || !supervisor.isAlive()
                        || Thread.currentThread().isInterrupted()) {
                    return GroupState.UNKNOWN;
                } else {
                    // The shell answers in microseconds once scheduled: wait in short, growing steps.
                    LockSupport.parkNanos(pause);
                    pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
        } catch (IOException e) {
            return GroupState.UNKNOWN;
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
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            supervisor = process;
            commands = process.getOutputStream();
            replies = process.getInputStream();
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
