package dev.picrust.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.UsageTotals;
import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The default {@link SessionStore}: sessions under one root folder, {@code <root>/<id>/history.jsonl}
 * and {@code metadata.json}. History appends are made durable by a group-commit journal in
 * {@code <root>/.journal/} (see {@link Journal}); the first use of a store replays what a crashed
 * process left there.
 */
public final class JsonlSessionStore implements SessionStore {
    /** Folders of deleted sessions start with this (not a valid id, so never listed) until they are gone. */
    private static final String DELETED_PREFIX = ".deleted-";

    private final Path root;
    private final WriteCounters counters = new WriteCounters();
    private final Journal journal;
    private final ReentrantLock recovery = new ReentrantLock();
    private volatile boolean recovered;
    /** Sessions being created are made in folders named so (not a valid id) and renamed into place. */
    private static final String CREATING_PREFIX = ".creating-";

    public JsonlSessionStore(Path root) {
        this(root, Journal.DEFAULT_SEGMENT_BYTES);
    }

    /** A store whose journal segments are checkpointed once they reach {@code journalSegmentBytes}. */
    JsonlSessionStore(Path root, long journalSegmentBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.journal = new Journal(this.root, journalSegmentBytes, counters);
    }

    public Path root() {
        return root;
    }

    Journal journal() {
        return journal;
    }

    /** What this store has written so far: history and journal bytes, and forces to disk. */
    public WriteStats writeStats() {
        return counters.snapshot();
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public String location(String id) {
        return directory(id).toString();
    }

    /**
     * Replays the journal a crashed process left behind, once, before anything is read or written,
     * and finishes deletions it left half-done. A lock, not a monitor: this is file I/O.
     */
    private void recoverOnce() {
        if (recovered) {
            return;
        }
        recovery.lock();
        try {
            if (recovered) {
                return;
            }
            try {
                Journal.recover(root, counters);
                removeLeftoverDeletions();
                LeaseOwner.removeDead(root);
            } catch (IOException e) {
                throw new SessionException("cannot replay the session journal in " + root + ": " + e.getMessage(), e);
            }
            recovered = true;
        } finally {
            recovery.unlock();
        }
    }

    /** The folder of session {@code id}: {@code history.jsonl} and {@code metadata.json}. */
    public Path directory(String id) {
        SessionStore.requireValidId(id);
        return root.resolve(id);
    }

    @Override
    public boolean exists(String id) {
        recoverOnce();
        return Files.isRegularFile(directory(id).resolve("metadata.json"));
    }

    /**
     * Creates a new, empty session. Fails if the id is taken. The session is made in a folder of its
     * own, forced, and renamed into place: a crash half-way leaves no half-made session behind, only a
     * hidden folder the next store start removes. A folder of this id without metadata (a crash of an
     * older version during creation) is not a session: it is cleared away.
     */
    @Override
    public AgentSession create(SessionMetadata metadata) {
        String id = metadata.id();
        Path dir = directory(id);
        recoverOnce();
        if (Files.exists(dir.resolve("metadata.json"))) {
            throw new SessionException("session already exists: " + id);
        }
        Path making = root.resolve(CREATING_PREFIX + id + "-" + UUID.randomUUID());
        SessionLease lease = null;
        boolean created = false;
        try {
            Files.createDirectories(root);
            Files.createDirectory(making);
            lease = SessionLease.acquire(id, root, making);
            writeMetadata(making, metadata);
            Files.newOutputStream(making.resolve("history.jsonl")).close();
            forceDirectory(making);
            clearHalfMade(id, dir);
            try {
                Files.move(making, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (Files.exists(dir.resolve("metadata.json"))) {
                    throw new SessionException("session already exists: " + id);
                }
                throw e;
            }
            lease.movedTo(dir);
            forceDirectory(root);
            HistoryFile history = new HistoryFile(dir.resolve("history.jsonl"), journal, counters);
            JsonlAgentSession session = new JsonlAgentSession(this, metadata, history, lease, List.of(), Map.of(),
                    List.of(), List.of(), UsageTotals.ZERO);
            created = true;
            return session;
        } catch (IOException e) {
            throw new SessionException("cannot create session " + id + ": " + e.getMessage(), e);
        } finally {
            if (!created) {
                if (lease != null) {
                    lease.close();
                }
                try {
                    if (Files.exists(making)) {
                        deleteTree(making);
                    }
                } catch (IOException ignored) {
                    // a hidden leftover; the next store start removes it
                }
            }
        }
    }

    /** Moves a folder of {@code id} that holds no metadata (never a session) out of the way and deletes it. */
    private void clearHalfMade(String id, Path dir) throws IOException {
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve("metadata.json"))) {
            Path gone = root.resolve(DELETED_PREFIX + id + "-" + UUID.randomUUID());
            try {
                Files.move(dir, gone, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.NoSuchFileException raced) {
                return;
            }
            deleteTree(gone);
        }
    }

    /**
     * Opens an existing session for writing, taking its one-writer lease; its history is read, and
     * damage (torn or corrupt lines, tool calls left without results) is repaired in what the session
     * holds and reported in {@link AgentSession#loadWarnings()}.
     *
     * @throws SessionException if there is no such session or another writer has it open
     */
    @Override
    public AgentSession open(String id) {
        Path dir = directory(id);
        recoverOnce();
        SessionMetadata metadata = readMetadata(id)
                .orElseThrow(() -> new SessionException("no such session: " + id + " (looked in " + root + ")"));
        SessionLease lease = null;
        boolean done = false;
        try {
            lease = SessionLease.acquire(id, root, dir);
            metadata = readMetadata(id).orElse(metadata);  // as its last writer left it
            Path file = dir.resolve("history.jsonl");
            LoadedHistory loaded = LoadedHistory.read(file);
            JsonlAgentSession session = new JsonlAgentSession(this, metadata, new HistoryFile(file, journal, counters),
                    lease, loaded.messages(), loaded.state(), loaded.records(), loaded.warnings(), loaded.usage());
            done = true;
            return session;
        } catch (IOException e) {
            throw new SessionException("cannot open session " + id + ": " + e.getMessage(), e);
        } finally {
            if (!done && lease != null) {
                lease.close();
            }
        }
    }

    /** Reads a session as it is now, without its lease: a writer may be appending meanwhile. */
    @Override
    public SessionSnapshot read(String id) {
        Path dir = directory(id);
        recoverOnce();
        SessionMetadata metadata = readMetadata(id)
                .orElseThrow(() -> new SessionException("no such session: " + id + " (looked in " + root + ")"));
        try {
            LoadedHistory loaded = LoadedHistory.read(dir.resolve("history.jsonl"));
            return new SessionSnapshot(metadata, loaded.messages(), loaded.records(), loaded.state(), loaded.warnings(),
                    loaded.usage());
        } catch (IOException e) {
            throw new SessionException("cannot read session " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the session's folder. It is renamed out of the way first (to a name no id can have), so
     * a crash half-way leaves a folder the next start of a store removes, never a half-deleted session.
     * The journal is checkpointed before: no segment may keep lines of this history file, or a crash
     * after a session of the same id is created again would replay them into the new file. The
     * session's lease is taken first: an open session, in this process or another, is not deleted.
     */
    @Override
    public void delete(String id) {
        Path dir = directory(id);
        recoverOnce();
        if (!Files.isRegularFile(dir.resolve("metadata.json"))) {
            throw new SessionException("no such session: " + id + " (looked in " + root + ")");
        }
        try (SessionLease lease = SessionLease.acquire(id, root, dir)) {
            journal.checkpointAll();
            Path gone = root.resolve(DELETED_PREFIX + id + "-" + UUID.randomUUID());
            Files.move(dir, gone, StandardCopyOption.ATOMIC_MOVE);
            lease.movedTo(gone);
            forceDirectory(root);
            deleteTree(gone);
        } catch (IOException e) {
            throw new SessionException("cannot delete session " + id + ": " + e.getMessage(), e);
        }
    }

    private void removeLeftoverDeletions() throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(DELETED_PREFIX)) {
                    deleteTree(entry);
                } else if (name.startsWith(CREATING_PREFIX)) {
                    removeAbandonedCreation(entry);
                }
            }
        }
    }

    /**
     * A creation folder whose lease nobody holds was left by a crash during {@link #create}. One younger
     * than a minute is left alone: its creator may not have taken its lease yet.
     */
    private void removeAbandonedCreation(Path making) throws IOException {
        if (Files.getLastModifiedTime(making).toInstant().isAfter(java.time.Instant.now().minusSeconds(60))) {
            return;
        }
        SessionLease lease;
        try {
            lease = SessionLease.acquire(making.getFileName().toString(), root, making);
        } catch (SessionException stillBeingMade) {
            return;
        } catch (IOException vanished) {
            return;
        }
        try (lease) {
            deleteTree(making);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public Optional<SessionMetadata> readMetadata(String id) {
        Path file = directory(id).resolve("metadata.json");
        try {
            return Optional.of(SessionMetadata.fromJson(Json.parse(file)));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SessionException("unreadable metadata for session " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<SessionMetadata> list() {
        recoverOnce();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory)
                    .map(d -> d.getFileName().toString())
                    .filter(SessionStore::isValidId)
                    .flatMap(name -> {
                        try {
                            return readMetadata(name).stream();
                        } catch (SessionException e) {
                            return Stream.empty();
                        }
                    })
                    .sorted(Comparator.comparing(SessionMetadata::updatedAt).reversed())
                    .toList();
        } catch (IOException e) {
            throw new SessionException("cannot list sessions in " + root + ": " + e.getMessage(), e);
        }
    }

    /** Writes metadata to a temp file, forces it, and renames it over {@code metadata.json}. */
    void writeMetadata(SessionMetadata metadata) {
        writeMetadata(directory(metadata.id()), metadata);
    }

    private void writeMetadata(Path dir, SessionMetadata metadata) {
        Path target = dir.resolve("metadata.json");
        Path temp = dir.resolve("metadata.json.tmp-" + Thread.currentThread().threadId());
        try {
            byte[] bytes = Json.writePretty(metadata.toJson()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            counters.syncs.incrementAndGet();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SessionException("cannot write metadata of session " + metadata.id() + ": " + e.getMessage(), e);
        }
    }

    private void forceDirectory(Path dir) {
        Journal.forceDirectory(dir);
        counters.syncs.incrementAndGet();
    }

}
