package dev.picrust.permission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import dev.picrust.session.SessionStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The persisted tiers: {@code <home>/permissions/global.json} and
 * {@code <home>/permissions/agents/<agentType>.json}, each a {@link RuleSet} in JSON.
 *
 * <p>Writes go to a temporary file that is synced and renamed over the old one, under a lock file,
 * so concurrent writers (agents, the {@code picrust permissions} command) never lose each other's
 * rules and a crash never leaves half a file. Reads are cached and re-read when the file changes,
 * so one store can be shared by every agent of a runtime and sees edits made by other processes.
 */
public final class RuleStore {
    private static final Pattern AGENT_TYPE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
    private static final ConcurrentHashMap<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();

    /** Made on first use: SLF4J's start looks for providers on the class path, which opens the jar (~20 ms of a CLI run). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(RuleStore.class);
    }
    /** Digests of the rules files as written through a RuleStore: how a change made by anything else is told apart. */
    static final String DIGESTS = ".digests.json";

    private record Cached(Object fileKey, FileTime modified, long size, RuleSet rules) {}

    private final Path home;
    private final ConcurrentHashMap<Path, Cached> cache = new ConcurrentHashMap<>();
    /** What this store last accepted per file: the rules a running agent has, which a foreign change can only narrow. */
    private final ConcurrentHashMap<Path, RuleSet> accepted = new ConcurrentHashMap<>();

    public RuleStore(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    /** Under {@code $PICRUST_HOME} or {@code ~/.picrust}. */
    public static RuleStore atDefaultLocation() {
        return new RuleStore(SessionStore.home());
    }

    public Path home() {
        return home;
    }

    /** The file of a persisted tier. {@code agentType} matters only for {@link PermissionTier#LOCAL}. */
    public Path file(PermissionTier tier, String agentType) {
        Path dir = home.resolve("permissions");
        return switch (tier) {
            case GLOBAL -> dir.resolve("global.json");
            case LOCAL -> {
                if (!AGENT_TYPE.matcher(agentType).matches()) {
                    throw new IllegalArgumentException("agent type cannot name a rules file: \"" + agentType + "\"");
                }
                yield dir.resolve("agents").resolve(agentType + ".json");
            }
            case SESSION, CONFIG -> throw new IllegalArgumentException(tier.wireName() + " rules are not persisted");
        };
    }

    /**
     * The rules of a persisted tier; empty if its file does not exist. The first load is this store's
     * snapshot. A later change is taken as it is only if it was written through a {@code RuleStore}
     * (this one, or {@code picrust permissions} and the console in another process); a change made by
     * anything else (an agent's shell command, an editor) can only narrow what was accepted: its new
     * deny and ask rules apply, its new allow rules do not, and removed deny or ask rules stay.
     */
    public RuleSet load(PermissionTier tier, String agentType) {
        Path file = file(tier, agentType);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            cache.remove(file);
            return accept(file, RuleSet.EMPTY, Optional.empty());
        } catch (IOException e) {
            throw new RuleStoreException("cannot read permission rules " + file + ": " + e.getMessage(), e);
        }
        Cached cached = cache.get(file);
        if (cached != null && Objects.equals(cached.fileKey(), attributes.fileKey())
                && cached.modified().equals(attributes.lastModifiedTime()) && cached.size() == attributes.size()) {
            return cached.rules();
        }
        byte[] bytes = readBytes(file);
        RuleSet rules = accept(file, parse(file, bytes), Optional.of(digest(bytes)));
        cache.put(file, new Cached(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(), rules));
        return rules;
    }

    /** Checks a (re)read file against the snapshot and the digests; returns the rules that apply. */
    private RuleSet accept(Path file, RuleSet read, Optional<String> digest) {
        RuleSet before = accepted.get(file);
        if (before == null || before.equals(read)) {
            accepted.put(file, read);
            return read;
        }
        if (digest.isPresent() && digest.equals(writtenDigest(file))) {
            accepted.put(file, read);
            return read;
        }
        RuleSet narrowed = new RuleSet(
                before.allow().stream().filter(read.allow()::contains).toList(),
                union(before.ask(), read.ask()), union(before.deny(), read.deny()));
        if (!narrowed.equals(before)) {
            Log.LOG.warn("{} was changed by something other than picrust permissions; only its narrowing part applies"
                    + " to running agents (restart to take it as it is)", file);
        }
        accepted.put(file, narrowed);
        return narrowed;
    }

    private static List<PermissionRule> union(List<PermissionRule> a, List<PermissionRule> b) {
        java.util.LinkedHashSet<PermissionRule> all = new java.util.LinkedHashSet<>(a);
        all.addAll(b);
        return new ArrayList<>(all);
    }

    private Optional<String> writtenDigest(Path file) {
        Path digests = home.resolve("permissions").resolve(DIGESTS);
        try {
            JsonNode node = Json.parse(Files.readString(digests)).path(digestKey(file));
            return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String digestKey(Path file) {
        return home.resolve("permissions").relativize(file).toString().replace('\\', '/');
    }

    private void recordDigest(Path file, byte[] bytes) throws IOException {
        Path digests = home.resolve("permissions").resolve(DIGESTS);
        ObjectNode all = Json.object();
        if (Files.isRegularFile(digests)) {
            try {
                JsonNode old = Json.parse(Files.readString(digests));
                if (old.isObject()) {
                    all.setAll((ObjectNode) old);
                }
            } catch (IOException e) {
                // A damaged digest file only means other files' changes count as foreign until rewritten.
            }
        }
        all.put(digestKey(file), digest(bytes));
        writeAtomically(digests, Json.writePretty(all)
                .concat("\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String digest(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Adds a rule to a persisted tier, durably. Returns the tier's new rules. */
    public RuleSet add(PermissionTier tier, String agentType, PermissionBehavior behavior, PermissionRule rule) {
        return update(tier, agentType, rules -> rules.with(behavior, rule));
    }

    /** Removes a rule from a persisted tier, durably. Returns the tier's new rules. */
    public RuleSet remove(PermissionTier tier, String agentType, PermissionBehavior behavior, PermissionRule rule) {
        return update(tier, agentType, rules -> rules.without(behavior, rule));
    }

    /** Read-modify-write of one tier under the lock. */
    public RuleSet update(PermissionTier tier, String agentType, UnaryOperator<RuleSet> change) {
        Path file = file(tier, agentType);
        ReentrantLock processLock = PROCESS_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        processLock.lock();
        try {
            Files.createDirectories(file.getParent());
            Path lockFile = home.resolve("permissions").resolve(".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    RuleSet current = Files.exists(file) ? read(file) : RuleSet.EMPTY;
                    RuleSet updated = change.apply(current);
                    byte[] bytes = serialize(updated);
                    // The digest goes first: an agent that sees the new file must find it vouched for.
                    recordDigest(file, bytes);
                    writeAtomically(file, bytes);
                    cache.remove(file);
                    accepted.put(file, updated);
                    return updated;
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new RuleStoreException("cannot write permission rules " + file + ": " + e.getMessage(), e);
        } finally {
            processLock.unlock();
        }
    }

    private static RuleSet read(Path file) {
        return parse(file, readBytes(file));
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RuleStoreException("cannot read permission rules " + file + ": " + e.getMessage(), e);
        }
    }

    private static RuleSet parse(Path file, byte[] bytes) {
        try {
            return RuleSet.fromJson(Json.parse(new String(bytes, StandardCharsets.UTF_8)), file.toString());
        } catch (IOException | IllegalArgumentException e) {
            throw new RuleStoreException("cannot read permission rules " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] serialize(RuleSet rules) throws IOException {
        return Json.writePretty(rules.toJson())
                .concat("\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path dir = file.getParent();
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename itself is still atomic.
        }
    }
}
