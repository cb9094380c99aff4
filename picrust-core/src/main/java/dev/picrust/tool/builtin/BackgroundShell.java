package dev.picrust.tool.builtin;

import dev.picrust.sandbox.Sandbox;
import dev.picrust.sandbox.SandboxException;
import dev.picrust.secret.ToolEnvironment;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A command running in the background for an agent: its output goes to a log file and to a
 * buffer of what has not been read yet ({@link #readNew}), capped like a foreground result.
 */
final class BackgroundShell {
    static final int MAX_UNREAD_CHARS = 30_000;

    public enum Status { RUNNING, EXITED, KILLED }

    /** What {@link #readNew} returns. */
    public record Update(String output, Status status, OptionalInt exitCode) {}

    private final String id;
    private final String command;
    private final ShellProcess process;
    private final OutputLog log;
    private final Thread reader;
    /** Guards {@link #unread} and {@link #killed}; a lock rather than a monitor so no virtual thread pins while holding it. */
    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    private HeadTailBuffer unread = newBuffer();
    private boolean killed;

    private BackgroundShell(String id, String command, ShellProcess process, OutputLog log) {
        this.id = id;
        this.command = command;
        this.process = process;
        this.log = log;
        this.reader = Thread.ofVirtual().name("bash-background-" + id).start(this::pump);
        Thread.ofVirtual().name("bash-background-exit-" + id).start(this::awaitExit);
    }

    static BackgroundShell start(String id, String command, Path workingDirectory, Path logDirectory, Sandbox sandbox,
                                 ToolEnvironment environment) throws IOException, SandboxException {
        OutputLog log = OutputLog.create(logDirectory, id);
        ShellProcess process;
        try {
            process = ShellProcess.start(command, workingDirectory, sandbox, environment, List.of(logDirectory));
        } catch (IOException | SandboxException e) {
            log.close();
            throw e;
        }
        return new BackgroundShell(id, command, process, log);
    }

    public String id() {
        return id;
    }

    public String command() {
        return command;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return log.file();
    }

    public Status status() {
        lock.lock();
        try {
            if (killed) {
                return Status.KILLED;
            }
            return finished.getCount() > 0 ? Status.RUNNING : Status.EXITED;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the command has exited and all its output was read; false on timeout. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * The output since the last call (only lines matching {@code filter}, if given; the others are
     * consumed too), with the status and, once exited, the exit code.
     */
    public Update readNew(Optional<Pattern> filter) {
        lock.lock();
        try {
            HeadTailBuffer taken = unread;
            unread = newBuffer();
            String text = taken.render(cut -> "\n\n... [" + cut + " characters cut; the full output is in " + log.file() + "] ...\n\n");
            if (filter.isPresent()) {
                StringBuilder kept = new StringBuilder();
                for (String line : text.split("\n", -1)) {
                    if (filter.get().matcher(line).find()) {
                        kept.append(line).append('\n');
                    }
                }
                text = kept.toString();
            }
            Status status = status();
            // A killed (or just finished) command may not have exited yet: only an exited process has a code.
            Process p = process.process();
            OptionalInt exit = status == Status.RUNNING || p.isAlive() ? OptionalInt.empty() : OptionalInt.of(p.exitValue());
            return new Update(text, status, exit);
        } finally {
            lock.unlock();
        }
    }

    /** Kills the command's process tree. True if it was still running. */
    public boolean kill() {
        boolean wasRunning;
        lock.lock();
        try {
            wasRunning = status() == Status.RUNNING;
            if (wasRunning) {
                killed = true;
            }
        } finally {
            lock.unlock();
        }
        process.killTree();
        return wasRunning;
    }

    private void pump() {
        try (Reader in = new InputStreamReader(process.output(), StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                lock.lock();
                try {
                    unread.append(buffer, 0, n);
                } finally {
                    lock.unlock();
                }
                log.append(buffer, 0, n);
            }
        } catch (IOException e) {
            // stream closed: the output ends here
        } finally {
            try {
                log.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private void awaitExit() {
        try {
            process.process().waitFor();
            process.killLeftovers();
            if (!reader.join(Duration.ofSeconds(5))) {
                process.output().close();
                reader.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException | IOException e) {
            // the agent is stopping; close() kills the tree
        } finally {
            finished.countDown();
        }
    }

    private static HeadTailBuffer newBuffer() {
        return new HeadTailBuffer(MAX_UNREAD_CHARS / 2, MAX_UNREAD_CHARS - MAX_UNREAD_CHARS / 2);
    }
}
