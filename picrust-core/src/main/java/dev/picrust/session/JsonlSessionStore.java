package dev.picrust.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    /** Sessions open through this store: how many times each, or {@link #DELETING}. */
    private final Map<String, Integer> open = new HashMap<>();
    private final ReentrantLock openLock = new ReentrantLock();
    private static final int DELETING = -1;

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

    /** Creates a new, empty session. Fails if the id is taken. */
    @Override
    public AgentSession create(SessionMetadata metadata) {
        Path dir = directory(metadata.id());
        recoverOnce();
        opened(metadata.id());
        boolean created = false;
        try {
            Files.createDirectories(root);
            try {
                Files.createDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new SessionException("session already exists: " + metadata.id());
            }
            writeMetadata(metadata);
            HistoryFile history = new HistoryFile(dir.resolve("history.jsonl"), journal, counters);
            forceDirectory(dir);
            forceDirectory(root);
            JsonlAgentSession session = new JsonlAgentSession(this, metadata, history, List.of(), Map.of(), List.of(),
                    List.of());
            created = true;
            return session;
        } catch (IOException e) {
            throw new SessionException("cannot create session " + metadata.id() + ": " + e.getMessage(), e);
        } finally {
            if (!created) {
                closed(metadata.id());
            }
        }
    }

    /** Opens an existing session, reading its history; torn or corrupt lines are skipped and reported. */
    @Override
    public AgentSession open(String id) {
        Path dir = directory(id);
        recoverOnce();
        opened(id);
        boolean done = false;
        try {
            SessionMetadata metadata = readMetadata(id)
                    .orElseThrow(() -> new SessionException("no such session: " + id + " (looked in " + root + ")"));
            List<Message> messages = new ArrayList<>();
            Map<String, JsonNode> state = new LinkedHashMap<>();
            List<ObjectNode> records = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            Path file = dir.resolve("history.jsonl");
            if (Files.exists(file)) {
                readHistory(file, messages, state, records, warnings);
            }
            JsonlAgentSession session = new JsonlAgentSession(this, metadata, new HistoryFile(file, journal, counters),
                    messages, state, records, warnings);
            done = true;
            return session;
        } catch (IOException e) {
            throw new SessionException("cannot open session " + id + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                closed(id);
            }
        }
    }

    /** Counts a session open through this store; refused while it is being deleted. */
    private void opened(String id) {
        openLock.lock();
        try {
            if (open.getOrDefault(id, 0) == DELETING) {
                throw new SessionException("session " + id + " is being deleted");
            }
            open.merge(id, 1, Integer::sum);
        } finally {
            openLock.unlock();
        }
    }

    /** A session of this store was closed (once per {@link #create} or {@link #open}). */
    void closed(String id) {
        openLock.lock();
        try {
            open.computeIfPresent(id, (key, count) -> count <= 1 ? null : count - 1);
        } finally {
            openLock.unlock();
        }
    }

    /**
     * Deletes the session's folder. It is renamed out of the way first (to a name no id can have), so
     * a crash half-way leaves a folder the next start of a store removes, never a half-deleted session.
     * The journal is checkpointed before: no segment may keep lines of this history file, or a crash
     * after a session of the same id is created again would replay them into the new file.
     */
    @Override
    public void delete(String id) {
        Path dir = directory(id);
        recoverOnce();
        openLock.lock();
        try {
            if (open.containsKey(id)) {
                throw new SessionException("session " + id + " is open; close it before deleting it");
            }
            open.put(id, DELETING);
        } finally {
            openLock.unlock();
        }
        try {
            if (!Files.isRegularFile(dir.resolve("metadata.json"))) {
                throw new SessionException("no such session: " + id + " (looked in " + root + ")");
            }
            journal.checkpointAll();
            Path gone = root.resolve(DELETED_PREFIX + id + "-" + UUID.randomUUID());
            Files.move(dir, gone, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(root);
            deleteTree(gone);
        } catch (IOException e) {
            throw new SessionException("cannot delete session " + id + ": " + e.getMessage(), e);
        } finally {
            openLock.lock();
            try {
                open.remove(id, DELETING);
            } finally {
                openLock.unlock();
            }
        }
    }

    private void removeLeftoverDeletions() throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith(DELETED_PREFIX)).toList()) {
                deleteTree(entry);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void readHistory(Path file, List<Message> messages, Map<String, JsonNode> state,
                                    List<ObjectNode> records, List<String> warnings) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = Json.parse(line);
                    if (node.has("record")) {
                        String kind = node.get("record").asText();
                        if (kind.equals("state")) {
                            JsonNode value = node.get("value");
                            if (value == null || value.isNull()) {
                                state.remove(node.path("key").asText());
                            } else {
                                state.put(node.path("key").asText(), value);
                            }
                        } else {
                            records.add((ObjectNode) node);
                        }
                    } else {
                        messages.add(MessageCodec.fromJson(node));
                    }
                } catch (IOException | RuntimeException e) {
                    warnings.add("skipped unreadable line " + number + " of " + file + " ("
                            + line.length() + " chars): " + firstLine(e.getMessage()));
                }
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public Optional<SessionMetadata> readMetadata(String id) {
        Path file = directory(id).resolve("metadata.json");
        try {
            return Optional.of(SessionMetadata.fromJson(Json.MAPPER.readTree(file.toFile())));
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
        Path dir = directory(metadata.id());
        Path target = dir.resolve("metadata.json");
        Path temp = dir.resolve("metadata.json.tmp-" + Thread.currentThread().threadId());
        try {
            byte[] bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata.toJson());
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
