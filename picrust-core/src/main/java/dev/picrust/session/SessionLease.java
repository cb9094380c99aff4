package dev.picrust.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one-writer lease of a session folder, held from {@code create}/{@code open} to {@code close}:
 * the file {@code <session>/lease} names the {@link LeaseOwner} (a process, by a random id) and the
 * claim. The session is free when the file is empty, or when the owner it names is dead - its OS lock
 * gone, which the kernel sees to however the process died. So a crash never leaves a session stuck, and
 * a process holds one descriptor per store folder however many sessions it has open, not one each.
 *
 * <p>A claim reads and writes the lease file only while holding an OS lock on that file, for the few
 * microseconds it takes; nobody reads it otherwise. Two processes claiming at once are thus put one after
 * the other, and the second sees the first's lease. The file is overwritten in place with a record of
 * fixed size: a torn write can only be left by a claimer that died, and names no live owner.
 *
 * <p>Within this JVM a set of held lease files keeps a session's writers apart, and keeps this JVM from
 * opening a lease file a claim of its own has open (closing a descriptor drops the process's locks on
 * that file).
 */
final class SessionLease implements AutoCloseable {
    static final String FILE = "lease";
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final AtomicLong CLAIMS = new AtomicLong();
    /** Every lease record has this size; a free lease says {@code free}. */
    private static final int RECORD_BYTES = 512;
    /** How long a claim waits for another process's claim of the same session to finish. */
    private static final long CLAIM_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private volatile Path path;
    private final LeaseOwner owner;
    private final String token;
    private final AtomicBoolean ended = new AtomicBoolean();

    private SessionLease(Path path, LeaseOwner owner, String token) {
        this.path = path;
        this.owner = owner;
        this.token = token;
    }

    /**
     * Takes the lease of session {@code id} in {@code directory} of the store at {@code root}, or refuses
     * naming who holds it.
     *
     * @throws SessionException if another process, or another open session of this one, holds it
     */
    static SessionLease acquire(String id, Path root, Path directory) throws IOException {
        Path path = directory.resolve(FILE).toAbsolutePath().normalize();
        if (!HELD.add(path)) {
            throw inUse(id, "this process (pid " + ProcessHandle.current().pid() + ")");
        }
        String token = Long.toString(CLAIMS.incrementAndGet());
        LeaseOwner owner = null;
        try {
            owner = LeaseOwner.join(root, token);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); FileLock ignored = lockBriefly(channel, id)) {
                Optional<Holder> holder = Holder.read(channel);
                if (holder.isPresent() && LeaseOwner.isAlive(root, holder.get().owner(), holder.get().claim())) {
                    throw inUse(id, holder.get().owner().equals(owner.id)
                            ? "this process (" + holder.get().who() + ")"
                            : "another process (" + holder.get().who() + ")");
                }
                write(channel, new Holder(owner.id, token, owner.description).text());
            }
            return new SessionLease(path, owner, token);
        } catch (IOException | RuntimeException e) {
            if (owner != null) {
                owner.leave(token);
            }
            HELD.remove(path);
            throw e;
        }
    }

    /**
     * The lease file's OS lock, taken for one claim or release. Another process holds it for microseconds
     * at a time; one that stays longer (stopped mid-claim, a hung network mount) gets a refusal, not a hang.
     */
    private static FileLock lockBriefly(FileChannel channel, String id) throws IOException {
        long deadline = System.nanoTime() + CLAIM_WAIT_NANOS;
        long pause = TimeUnit.MICROSECONDS.toNanos(100);
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                // the same folder reached by another path in this JVM
                throw inUse(id, "this process (pid " + ProcessHandle.current().pid() + ")");
            }
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new SessionException("session " + id + " is being claimed by another process and it has not"
                        + " finished in " + TimeUnit.NANOSECONDS.toSeconds(CLAIM_WAIT_NANOS) + " s; try again");
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /**
     * Overwrites the lease with {@code text}, padded to {@link #RECORD_BYTES}: the file keeps its size, so
     * a claim changes no file metadata but its time. (Truncating and rewriting made ext4 start writing
     * the file back on close - its guard for files replaced that way - and cost about 0.5 ms a claim.)
     */
    private static void write(FileChannel channel, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= RECORD_BYTES) {
            throw new IOException("lease record longer than " + RECORD_BYTES + " bytes");
        }
        byte[] record = new byte[RECORD_BYTES];
        System.arraycopy(bytes, 0, record, 0, bytes.length);
        java.util.Arrays.fill(record, bytes.length, RECORD_BYTES - 1, (byte) ' ');
        record[RECORD_BYTES - 1] = '\n';
        ByteBuffer buffer = ByteBuffer.wrap(record);
        while (buffer.hasRemaining()) {
            channel.write(buffer, buffer.position());
        }
    }

    private static SessionException inUse(String id, String holder) {
        return new SessionException("session " + id + " is in use by " + holder
                + "; one writer at a time - wait for it to end or stop it");
    }

    /** The folder holding the lease file was renamed to {@code directory} (a session published or deleted). */
    void movedTo(Path directory) {
        Path moved = directory.resolve(FILE).toAbsolutePath().normalize();
        HELD.add(moved);
        HELD.remove(path);
        path = moved;
    }

    /** Lets go of the lease without clearing its file, as a process that died would; for crash tests. */
    void abandon() {
        if (ended.compareAndSet(false, true)) {
            HELD.remove(path);
            owner.leave(token);
        }
    }

    /**
     * Marks the lease free, then lets go. No lock and no read: while this claim lives nobody else writes the
     * file (a claimer that sees a live owner only refuses), and a claimer reading it meanwhile sees this
     * claim or a free lease, either of which is true at that moment.
     */
    @Override
    public void close() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            write(channel, "free\n");
        } catch (NoSuchFileException deleted) {
            // the session was deleted under this lease
        } catch (IOException | RuntimeException e) {
            // The lease still names this claim; once this process's owner ends, it names a dead one.
        } finally {
            HELD.remove(path);
            owner.leave(token);
        }
    }

    /** What a lease file says: the owner's id, the claim, and who that is for people. */
    private record Holder(String owner, String claim, String who) {
        String text() {
            return "owner " + owner + "\nclaim " + claim + "\nholder " + who + "\n";
        }

        /** The lease in {@code channel}, or empty when it names nobody (free, empty, or torn by a claimer that died). */
        static Optional<Holder> read(FileChannel channel) throws IOException {
            long size = channel.size();
            if (size == 0 || size > 4096) {
                return Optional.empty();
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) >= 0) {
                // read to the end
            }
            String owner = null;
            String claim = null;
            String who = "";
            for (String line : new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("owner ")) {
                    owner = line.substring(6).strip();
                } else if (line.startsWith("claim ")) {
                    claim = line.substring(6).strip();
                } else if (line.startsWith("holder ")) {
                    who = line.substring(7).strip();
                }
            }
            return owner == null || claim == null ? Optional.empty() : Optional.of(new Holder(owner, claim, who));
        }
    }
}
