package dev.picrust.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.secret.Redactor;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One conversation on disk: {@code history.jsonl} (append-only; message lines are Anthropic message
 * objects, other lines carry a {@code "record"} kind) and {@code metadata.json} (atomic rewrite).
 * All methods are thread-safe; writes are durable when they return.
 */
public final class AgentSession implements AutoCloseable {
    private final SessionStore store;
    private final HistoryFile history;
    private final List<Message> messages;
    /** {@link #messages()} until the next append: read before every model call, so not copied each time. */
    private List<Message> snapshot;
    private final Map<String, JsonNode> state;
    private final List<ObjectNode> records;
    private final List<String> loadWarnings;
    private SessionMetadata metadata;
    private final SessionState sessionState = new DurableState();

    AgentSession(SessionStore store, SessionMetadata metadata, HistoryFile history, List<Message> messages,
                 Map<String, JsonNode> state, List<ObjectNode> records, List<String> loadWarnings) {
        this.store = store;
        this.metadata = metadata;
        this.history = history;
        this.messages = new ArrayList<>(messages);
        this.state = new LinkedHashMap<>(state);
        this.records = new ArrayList<>(records);
        this.loadWarnings = List.copyOf(loadWarnings);
    }

    public String id() {
        return metadata().id();
    }

    public synchronized SessionMetadata metadata() {
        return metadata;
    }

    /** Applies {@code change} to the metadata and writes it atomically (temp file + rename). */
    public synchronized SessionMetadata updateMetadata(UnaryOperator<SessionMetadata> change) {
        SessionMetadata updated = change.apply(metadata).touched(Instant.now());
        store.writeMetadata(updated);
        metadata = updated;
        return updated;
    }

    /** A snapshot of the conversation so far. */
    public synchronized List<Message> messages() {
        if (snapshot == null) {
            snapshot = List.copyOf(messages);
        }
        return snapshot;
    }

    /** The last message of the conversation, if any (no snapshot of the whole history). */
    public synchronized Optional<Message> lastMessage() {
        return messages.isEmpty() ? Optional.empty() : Optional.of(messages.getLast());
    }

    public synchronized int messageCount() {
        return messages.size();
    }

    /** Appends a message durably. */
    public synchronized void append(Message message) {
        write(redacted(MessageCodec.toBytes(message)));
        messages.add(message);
        snapshot = null;
    }

    /**
     * Appends a non-message record (permission decision, compaction marker, ...). {@code kind} is
     * written as the {@code "record"} field.
     */
    public synchronized void appendRecord(String kind, ObjectNode body) {
        ObjectNode line = recordLine(kind, body);
        write(Json.writeBytes(line));
        records.add(line);
    }

    /**
     * As {@link #append}, for a message that may become durable together with the next append of
     * this session (or its close) rather than on return: a model's message whose tool calls only
     * read, so that losing it in a crash together with their results loses nothing that happened.
     * Returns without waiting for a disk force when one is running for other sessions already.
     */
    public synchronized void appendWithNext(Message message) {
        try {
            history.appendLater(redacted(MessageCodec.toBytes(message)));
        } catch (IOException e) {
            throw new SessionException("cannot append to session " + id() + ": " + e.getMessage(), e);
        }
        messages.add(message);
        snapshot = null;
    }

    /**
     * As {@link #appendRecord}, for records that may become durable together with the next append
     * of this session (or its close) rather than on return: an automatic permission decision, whose
     * tool's result is appended right after. Returns without waiting for a disk force when one is
     * running for other sessions already; the record is in the file and in {@link #records()} either
     * way, and a later append that returns guarantees it is durable.
     */
    public synchronized void appendRecordWithNext(String kind, ObjectNode body) {
        ObjectNode line = recordLine(kind, body);
        try {
            history.appendLater(Json.writeBytes(line));
        } catch (IOException e) {
            throw new SessionException("cannot append to session " + id() + ": " + e.getMessage(), e);
        }
        records.add(line);
    }

    private static ObjectNode recordLine(String kind, ObjectNode body) {
        ObjectNode line = Json.object();
        line.put("record", kind);
        line.put("ts", Instant.now().toString());
        line.setAll((ObjectNode) Redactor.shared().redact(body));
        return line;
    }

    /**
     * A message line with secrets removed before it reaches the disk. Works on the JSON text: the
     * mask has no character JSON escapes, and key shapes have none either, so the line stays valid.
     * The message in memory (what the model sees during this run) is left as it is.
     */
    private static byte[] redacted(byte[] line) {
        String text = new String(line, java.nio.charset.StandardCharsets.UTF_8);
        String safe = Redactor.shared().redact(text);
        return safe.equals(text) ? line : safe.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Non-message, non-state records read from disk or appended since, in order. */
    public synchronized List<ObjectNode> records() {
        return records.stream().map(ObjectNode::deepCopy).toList();
    }

    public SessionState state() {
        return sessionState;
    }

    /**
     * Lets go of the history file's descriptor, held since the last appends; the next append opens it
     * again. Call before a long wait (a model call, a human, the end of a turn), so waiting sessions
     * hold no descriptor.
     */
    public void release() {
        history.release();
    }

    /** Returns once every line appended so far, including those appended "with next", is durable. */
    public synchronized void awaitDurable() {
        try {
            history.awaitUncommitted();
        } catch (IOException e) {
            throw new SessionException("cannot make session " + id() + " durable: " + e.getMessage(), e);
        }
    }

    /** Problems found while loading (torn or corrupt lines that were skipped). Empty for a new session. */
    public List<String> loadWarnings() {
        return loadWarnings;
    }

    private void write(byte[] line) {
        try {
            history.append(line);
        } catch (IOException e) {
            throw new SessionException("cannot append to session " + id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            history.close();
        } catch (IOException e) {
            throw new SessionException("cannot close session " + id(), e);
        }
    }

    private final class DurableState implements SessionState {
        @Override
        public Optional<JsonNode> get(String key) {
            synchronized (AgentSession.this) {
                return Optional.ofNullable(state.get(key)).map(JsonNode::deepCopy);
            }
        }

        @Override
        public void put(String key, JsonNode value) {
            synchronized (AgentSession.this) {
                ObjectNode line = Json.object();
                line.put("record", "state");
                line.put("key", key);
                line.set("value", value);
                write(Json.writeBytes(line));
                state.put(key, value.deepCopy());
            }
        }

        @Override
        public void remove(String key) {
            synchronized (AgentSession.this) {
                ObjectNode line = Json.object();
                line.put("record", "state");
                line.put("key", key);
                line.putNull("value");
                write(Json.writeBytes(line));
                state.remove(key);
            }
        }
    }
}
