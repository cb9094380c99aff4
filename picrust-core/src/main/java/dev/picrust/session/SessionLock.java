package dev.picrust.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-writer lock of a session folder: an OS file lock on {@code <session>/lock}, held from
 * {@code create}/{@code open} to {@code close}. The kernel lets go of it when the process dies, however
 * it dies, so a crash never leaves a session stuck; the file's text (pid, host, time) only names the
 * holder for the refusal message and means nothing once the lock is free.
 *
 * <p>POSIX locks belong to the process, and closing any descriptor of the file drops them all. So a
 * lock held in this JVM is known from {@link #HELD} and its file is never opened a second time here.
 */
final class SessionLock implements AutoCloseable {
    static final String FILE = "lock";
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private volatile Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private SessionLock(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of session {@code id} in {@code directory}, or refuses naming who holds it.
     *
     * @throws SessionException if another process, or another open session of this one, holds it
     */
    static SessionLock acquire(String id, Path directory) throws IOException {
        return acquire(id, directory, true);
    }

    /**
     * As {@link #acquire(String, Path)}; without {@code acrossProcesses} only this process's own writers are
     * kept apart and no file descriptor is held (see {@link JsonlSessionStore#withinProcessLocking}).
     */
    static SessionLock acquire(String id, Path directory, boolean acrossProcesses) throws IOException {
        Path path = directory.resolve(FILE).toAbsolutePath().normalize();
        if (!HELD.add(path)) {
            throw inUse(id, "this process (pid " + ProcessHandle.current().pid() + ")");
        }
        if (!acrossProcesses) {
            return new SessionLock(path, null, null);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                channel = null;
                HELD.remove(path);
                throw inUse(id, holder(path));
            }
            byte[] text = ("pid " + ProcessHandle.current().pid() + " on " + hostName() + " since " + Instant.now()
                    + "\n").getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text), 0);
            return new SessionLock(path, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
                HELD.remove(path);
            }
            throw e;
        }
    }

    private static SessionException inUse(String id, String holder) {
        return new SessionException("session " + id + " is in use by " + holder
                + "; one writer at a time - wait for it to end or stop it");
    }

    /** What the holder wrote into the lock file, read without locking (another process's file). */
    private static String holder(Path path) {
        try {
            String text = Files.readString(path, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "another process" : "another process (" + text + ")";
        } catch (IOException | RuntimeException e) {
            return "another process";
        }
    }

    /** The host name without a DNS lookup (which can hang where there is no resolver). */
    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return "an unknown host";
        }
    }

    /** The folder holding the lock file was renamed to {@code directory} (a new session published). */
    void movedTo(Path directory) {
        Path moved = directory.resolve(FILE).toAbsolutePath().normalize();
        HELD.add(moved);
        HELD.remove(path);
        path = moved;
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                lock.release();
                channel.close();
            }
        } catch (IOException ignored) {
            // closing the channel releases the lock; the kernel does when the process ends anyway
        } finally {
            HELD.remove(path);
        }
    }
}
