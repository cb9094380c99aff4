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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Sessions under one root folder: {@code <root>/<id>/history.jsonl} and {@code metadata.json}.
 * History appends are made durable by a group-commit journal in {@code <root>/.journal/} (see
 * {@link Journal}); the first use of a store replays what a crashed process left there.
 */
public final class SessionStore {
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

    private final Path root;
    private final WriteCounters counters = new WriteCounters();
    private final Journal journal;
    private volatile boolean recovered;

    public SessionStore(Path root) {
        this(root, Journal.DEFAULT_SEGMENT_BYTES);
    }

    /** A store whose journal segments are checkpointed once they reach {@code journalSegmentBytes}. */
    SessionStore(Path root, long journalSegmentBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.journal = new Journal(this.root, journalSegmentBytes, counters);
    }

    /** {@code $PICRUST_HOME/sessions}, or {@code ~/.picrust/sessions}. */
    public static SessionStore atDefaultLocation() {
        return new SessionStore(home().resolve("sessions"));
    }

    /** The PiCrust home folder: {@code $PICRUST_HOME} or {@code ~/.picrust}. */
    public static Path home() {
        String env = System.getenv("PICRUST_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".picrust");
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

    /** Replays the journal a crashed process left behind, once, before anything is read or written. */
    private void recoverOnce() {
        if (recovered) {
            return;
        }
        synchronized (this) {
            if (recovered) {
                return;
            }
            try {
                Journal.recover(root, counters);
            } catch (IOException e) {
                throw new SessionException("cannot replay the session journal in " + root + ": " + e.getMessage(), e);
            }
            recovered = true;
        }
    }

    public Path directory(String id) {
        validateId(id);
        return root.resolve(id);
    }

    public boolean exists(String id) {
        recoverOnce();
        return Files.isRegularFile(directory(id).resolve("metadata.json"));
    }

    /** Creates a new, empty session. Fails if the id is taken. */
    public AgentSession create(SessionMetadata metadata) {
        Path dir = directory(metadata.id());
        recoverOnce();
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
            return new AgentSession(this, metadata, history, List.of(), Map.of(), List.of(), List.of());
        } catch (IOException e) {
            throw new SessionException("cannot create session " + metadata.id() + ": " + e.getMessage(), e);
        }
    }

    /** Opens an existing session, reading its history; torn or corrupt lines are skipped and reported. */
    public AgentSession open(String id) {
        Path dir = directory(id);
        recoverOnce();
        SessionMetadata metadata = readMetadata(id)
                .orElseThrow(() -> new SessionException("no such session: " + id + " (looked in " + root + ")"));
        List<Message> messages = new ArrayList<>();
        Map<String, JsonNode> state = new LinkedHashMap<>();
        List<ObjectNode> records = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Path file = dir.resolve("history.jsonl");
        try {
            if (Files.exists(file)) {
                readHistory(file, messages, state, records, warnings);
            }
            return new AgentSession(this, metadata, new HistoryFile(file, journal, counters), messages, state, records, warnings);
        } catch (IOException e) {
            throw new SessionException("cannot open session " + id + ": " + e.getMessage(), e);
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

    /** All sessions with readable metadata, newest update first. */
    public List<SessionMetadata> list() {
        recoverOnce();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory)
                    .map(d -> d.getFileName().toString())
                    .filter(name -> ID.matcher(name).matches())
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

    static void validateId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid session id '" + id
                    + "': use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }
}
