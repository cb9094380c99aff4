package dev.picrust.permission;

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
import java.util.Objects;
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

    private record Cached(Object fileKey, FileTime modified, long size, RuleSet rules) {}

    private final Path home;
    private final ConcurrentHashMap<Path, Cached> cache = new ConcurrentHashMap<>();

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

    /** The rules of a persisted tier; empty if its file does not exist. */
    public RuleSet load(PermissionTier tier, String agentType) {
        Path file = file(tier, agentType);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            cache.remove(file);
            return RuleSet.EMPTY;
        } catch (IOException e) {
            throw new RuleStoreException("cannot read permission rules " + file + ": " + e.getMessage(), e);
        }
        Cached cached = cache.get(file);
        if (cached != null && Objects.equals(cached.fileKey(), attributes.fileKey())
                && cached.modified().equals(attributes.lastModifiedTime()) && cached.size() == attributes.size()) {
            return cached.rules();
        }
        RuleSet rules = read(file);
        cache.put(file, new Cached(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(), rules));
        return rules;
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
                    write(file, updated);
                    cache.remove(file);
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
        try {
            return RuleSet.fromJson(Json.parse(Files.readString(file)), file.toString());
        } catch (IOException | IllegalArgumentException e) {
            throw new RuleStoreException("cannot read permission rules " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, RuleSet rules) throws IOException {
        Path dir = file.getParent();
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            byte[] bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(rules.toJson())
                    .concat("\n").getBytes(StandardCharsets.UTF_8);
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
