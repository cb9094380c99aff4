package dev.picrust.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * This process as a holder of session leases in one store folder: an exclusive OS lock on
 * {@code <root>/.owners/<id>.lock}, held while the process has any session of that folder open. A
 * session's {@link SessionLease} names its owner's id; whoever wants the session asks whether that
 * owner is still alive, which is whether its file is still locked. The kernel lets go of the lock when
 * the process dies, {@code kill -9} included, so one descriptor per process and folder stands for every
 * session it holds there.
 *
 * <p>The id is 128 random bits, never the pid: a pid is reused after its process dies, a random id
 * never is, so a lease naming a dead owner can never come back to life. Knowing that, owners found dead
 * are remembered and never probed again.
 *
 * <p>POSIX locks belong to the process, and closing any descriptor of a file drops all of the process's
 * locks on it: so this JVM never opens the file of an owner it holds itself (it knows those from
 * {@link #LIVE}), and the claims of its own owners are checked in memory instead.
 */
final class LeaseOwner {
    static final String DIRECTORY = ".owners";
    private static final String SUFFIX = ".lock";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Owners alive in this JVM, by id. */
    private static final Map<String, LeaseOwner> LIVE = new ConcurrentHashMap<>();
    /** Owners of other processes found dead: an id is never reused, so they stay dead. */
    private static final Set<String> DEAD = ConcurrentHashMap.newKeySet();
    /** Guards {@link #BY_ROOT} and every owner's count of claims; file I/O only when an owner starts or ends. */
    private static final ReentrantLock REGISTRY = new ReentrantLock();
    private static final Map<Path, LeaseOwner> BY_ROOT = new HashMap<>();
    /** One probe of another process's owner file at a time in this JVM (see {@link #isAlive}). */
    private static final ReentrantLock PROBE = new ReentrantLock();

    final String id;
    /** Who this is, for refusals: "pid 123 on host since 2026-...". */
    final String description;
    private final Path root;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    /** Claims this owner holds now (their tokens); guarded by {@link #REGISTRY}. */
    private final Set<String> claims = ConcurrentHashMap.newKeySet();

    private LeaseOwner(String id, String description, Path root, Path file, FileChannel channel, FileLock lock) {
        this.id = id;
        this.description = description;
        this.root = root;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Registers a claim ({@code token}) under this process's owner of {@code root}, starting the owner
     * (creating and locking its file) if the process holds nothing there yet.
     */
    static LeaseOwner join(Path root, String token) throws IOException {
        REGISTRY.lock();
        try {
            LeaseOwner owner = BY_ROOT.get(root);
            if (owner == null) {
                owner = start(root);
                BY_ROOT.put(root, owner);
                LIVE.put(owner.id, owner);
            }
            owner.claims.add(token);
            return owner;
        } finally {
            REGISTRY.unlock();
        }
    }

    /** Ends claim {@code token}; the last one ends the owner (its file is removed and its lock released). */
    void leave(String token) {
        REGISTRY.lock();
        try {
            if (!claims.remove(token) || !claims.isEmpty() || BY_ROOT.get(root) != this) {
                return;
            }
            BY_ROOT.remove(root);
            LIVE.remove(id);
            try {
                Files.deleteIfExists(file);  // while still locked: nobody can take a dying file for alive
            } catch (IOException ignored) {
                // an unlocked leftover: the next store start removes it
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing lets go of the lock; the kernel does when the process ends anyway
            }
        } finally {
            REGISTRY.unlock();
        }
    }

    /**
     * Creates the owner file under a fresh random id and locks it. {@code CREATE_NEW}: an id is never
     * taken twice. The lock is taken at once after the file appears; {@link #removeDead} leaves files
     * younger than a minute alone, so it cannot take the file between the two steps.
     */
    private static LeaseOwner start(Path root) throws IOException {
        Path directory = root.resolve(DIRECTORY);
        Files.createDirectories(directory);
        String id = HexFormat.of().formatHex(randomBytes());
        Path file = directory.resolve(id + SUFFIX);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("cannot lock the new lease owner file " + file);
            }
            String description = "pid " + ProcessHandle.current().pid() + " on " + hostName() + " since " + Instant.now();
            channel.write(ByteBuffer.wrap((description + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new LeaseOwner(id, description, root, file, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Whether this owner still holds claim {@code token} (for owners of this JVM). */
    boolean holds(String token) {
        return claims.contains(token);
    }

    /**
     * Whether the owner {@code ownerId} of {@code root} still holds claim {@code token}. For an owner of
     * this JVM that is known in memory. For another process's owner: whether its file is still locked -
     * probed with a shared lock, which the owner's exclusive lock refuses while it lives and which other
     * probes (of other processes) do not disturb. A missing file means the owner ended.
     */
    static boolean isAlive(Path root, String ownerId, String token) throws IOException {
        LeaseOwner ours = LIVE.get(ownerId);
        if (ours != null) {
            return ours.holds(token);
        }
        if (!isValidId(ownerId) || DEAD.contains(ownerId)) {
            return false;
        }
        Path file = root.resolve(DIRECTORY).resolve(ownerId + SUFFIX);
        // The JVM refuses a second lock of one file even from another channel (and closing either channel
        // drops both at the OS): so one probe at a time here. Probes are rare: only for a lease another
        // process wrote, and each dead owner is probed once.
        PROBE.lock();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return true;
            }
            probe.release();
            DEAD.add(ownerId);
            return false;
        } catch (NoSuchFileException ended) {
            DEAD.add(ownerId);
            return false;
        } catch (OverlappingFileLockException inThisJvm) {
            return true;  // only an owner of this JVM locks the file here, and those are in LIVE
        } finally {
            PROBE.unlock();
        }
    }

    static boolean isValidId(String id) {
        if (id.length() != 32) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes the files of owners that ended without removing them (killed processes): those older than a
     * minute whose lock can be taken. Run when a store starts; the files are small, but one is left per
     * crashed process.
     */
    static void removeDead(Path root) throws IOException {
        Path directory = root.resolve(DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return;
        }
        Instant young = Instant.now().minusSeconds(60);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                String id = name.substring(0, name.length() - SUFFIX.length());
                if (LIVE.containsKey(id) || !isValidId(id)) {
                    continue;
                }
                try {
                    if (Files.getLastModifiedTime(file).toInstant().isAfter(young)) {
                        continue;
                    }
                    removeIfDead(file, id);
                } catch (NoSuchFileException gone) {
                    // another store removed it first
                }
            }
        }
    }

    private static void removeIfDead(Path file, String id) throws IOException {
        PROBE.lock();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock taken = channel.tryLock();
            if (taken != null) {
                DEAD.add(id);
                Files.deleteIfExists(file);
                taken.release();
            }
        } catch (OverlappingFileLockException inThisJvm) {
            // held here after all
        } finally {
            PROBE.unlock();
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
}
