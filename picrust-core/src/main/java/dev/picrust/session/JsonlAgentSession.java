package dev.picrust.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.UsageTotals;
import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.secret.Redactor;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * A session of {@link JsonlSessionStore}: {@code history.jsonl} (append-only; message lines are
 * Anthropic message objects, other lines carry a {@code "record"} kind) and {@code metadata.json}
 * (atomic rewrite).
 *
 * <p>Locks rather than monitors: an append holds the session's lock while it waits for the journal's
 * force, and a virtual thread parked inside {@code synchronized} would pin its carrier on JDK 21-23.
 */
final class JsonlAgentSession implements AgentSession {
    private final JsonlSessionStore store;
    private final HistoryFile history;
    /** This session's one-writer lease, held until {@link #close}. */
    private final SessionLease writerLock;
    /** Orders appends: a line's place in the file and in the lists below is the same. */
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Message> messages;
    /** {@link #messages()} until the next append: read before every model call, so not copied each time. */
    private volatile List<Message> snapshot;
    private final Map<String, JsonNode> state;
    /**
     * Records as their lines' bytes: read when the session opens and when a crashed turn resumes,
     * kept meanwhile by every idle agent, and a few hundred bytes of text are a quarter of their tree.
     */
    private final List<byte[]> records;
    private final List<String> loadWarnings;
    /** What the session's model calls used; changed under {@link #lock}, read without it. */
    private volatile UsageTotals usage;
    /** Serialises metadata rewrites, apart from appends: a parent's metadata changes while it streams. */
    private final ReentrantLock metadataLock = new ReentrantLock();
    private volatile SessionMetadata metadata;
    private final SessionState sessionState = new DurableState();
    private final AtomicBoolean closed = new AtomicBoolean();

    JsonlAgentSession(JsonlSessionStore store, SessionMetadata metadata, HistoryFile history, SessionLease writerLock,
                      List<Message> messages, Map<String, JsonNode> state, List<ObjectNode> records,
                      List<String> loadWarnings, UsageTotals usage) {
        this.store = store;
        this.writerLock = writerLock;
        this.metadata = metadata;
        this.history = history;
        this.messages = new ArrayList<>(messages);
        this.state = new LinkedHashMap<>(state);
        this.records = new ArrayList<>(records.size());
        records.forEach(r -> this.records.add(Json.writeBytes(r)));
        this.loadWarnings = List.copyOf(loadWarnings);
        this.usage = usage;
    }

    @Override
    public SessionMetadata metadata() {
        return metadata;
    }

    @Override
    public SessionMetadata updateMetadata(UnaryOperator<SessionMetadata> change) {
        metadataLock.lock();
        try {
            SessionMetadata updated = change.apply(metadata).touched(Instant.now());
            store.writeMetadata(updated);
            metadata = updated;
            return updated;
        } finally {
            metadataLock.unlock();
        }
    }

    @Override
    public List<Message> messages() {
        List<Message> current = snapshot;
        if (current != null) {
            return current;
        }
        lock.lock();
        try {
            if (snapshot == null) {
                snapshot = List.copyOf(messages);
            }
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Message> lastMessage() {
        lock.lock();
        try {
            return messages.isEmpty() ? Optional.empty() : Optional.of(messages.getLast());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int messageCount() {
        lock.lock();
        try {
            return messages.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void append(Message message) {
        addMessage(message, Optional.empty(), false);
    }

    @Override
    public void append(Message message, UsageTotals used) {
        addMessage(message, Optional.of(used), false);
    }

    @Override
    public void appendWithNext(Message message, UsageTotals used) {
        addMessage(message, Optional.of(used), true);
    }

    @Override
    public void appendWithNext(Message message) {
        addMessage(message, Optional.empty(), true);
    }

    /** One message line, durable now or with the next line, with the usage of the call that produced it. */
    private void addMessage(Message message, Optional<UsageTotals> used, boolean withNext) {
        byte[] redacted = redacted(MessageCodec.toBytes(message));
        byte[] line = used.isPresent() ? withUsage(redacted, used.get()) : redacted;
        lock.lock();
        try {
            if (withNext) {
                writeLater(line);
            } else {
                write(line);
            }
            messages.add(message);
            snapshot = null;
            if (used.isPresent()) {
                usage = usage.plus(used.get());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public UsageTotals usage() {
        return usage;
    }

    /** The message line with {@code "usage":{...}} before its closing brace: spliced, not re-encoded. */
    private static byte[] withUsage(byte[] messageLine, UsageTotals used) {
        byte[] field = (",\"usage\":" + used.toJsonText() + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int end = messageLine.length - 1;
        while (end >= 0 && messageLine[end] != '}') {
            end--;
        }
        if (end < 0) {
            throw new IllegalStateException("a message line is not a JSON object");
        }
        byte[] line = java.util.Arrays.copyOf(messageLine, end + field.length);
        System.arraycopy(field, 0, line, end, field.length);
        return line;
    }

    @Override
    public void appendRecord(String kind, ObjectNode body) {
        addRecord(kind, body, false);
    }

    @Override
    public void appendRecordWithNext(String kind, ObjectNode body) {
        addRecord(kind, body, true);
    }

    private void addRecord(String kind, ObjectNode body, boolean withNext) {
        ObjectNode line = recordLine(kind, body);
        byte[] bytes = Json.writeBytes(line);
        lock.lock();
        try {
            if (withNext) {
                writeLater(bytes);
            } else {
                write(bytes);
            }
            if (kind.equals(USAGE_RECORD)) {
                usage = usage.plus(UsageTotals.fromJson(line));
            } else {
                records.add(bytes);
            }
        } finally {
            lock.unlock();
        }
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

    private static ObjectNode recordLine(String kind, ObjectNode body) {
        ObjectNode line = Json.object();
        line.put("record", kind);
        line.put("ts", Instant.now().toString());
        line.setAll((ObjectNode) Redactor.shared().redact(body));
        return line;
    }

    @Override
    public List<ObjectNode> records() {
        lock.lock();
        try {
            List<ObjectNode> read = new ArrayList<>(records.size());
            for (byte[] record : records) {
                read.add((ObjectNode) Json.parse(record));
            }
            return read;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException("a record this session wrote does not read back", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SessionState state() {
        return sessionState;
    }

    @Override
    public void release() {
        history.release();
    }

    @Override
    public void awaitDurable() {
        lock.lock();
        try {
            history.awaitUncommitted();
        } catch (IOException e) {
            throw new SessionException("cannot make session " + id() + " durable: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> loadWarnings() {
        return loadWarnings;
    }

    /** Writes one line and waits until it is durable; the caller holds {@link #lock}. */
    private void write(byte[] line) {
        try {
            history.append(line);
        } catch (IOException e) {
            throw new SessionException("cannot append to session " + id() + ": " + e.getMessage(), e);
        }
    }

    /** Writes one line that becomes durable with the next; the caller holds {@link #lock}. */
    private void writeLater(byte[] line) {
        try {
            history.appendLater(line);
        } catch (IOException e) {
            throw new SessionException("cannot append to session " + id() + ": " + e.getMessage(), e);
        }
    }

    /** Lets go of the writer's lease as a process that died does (its file still names it); for crash tests here. */
    void dropWriterLockAsADeadProcessWould() {
        writerLock.abandon();
    }

    @Override
    public void close() {
        try {
            history.close();
        } catch (IOException e) {
            throw new SessionException("cannot close session " + id(), e);
        } finally {
            if (closed.compareAndSet(false, true)) {
                writerLock.close();
            }
        }
    }

    private final class DurableState implements SessionState {
        @Override
        public Map<String, JsonNode> snapshot() {
            lock.lock();
            try {
                Map<String, JsonNode> copy = new LinkedHashMap<>();
                state.forEach((k, v) -> copy.put(k, v.deepCopy()));
                return copy;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Optional<JsonNode> get(String key) {
            lock.lock();
            try {
                return Optional.ofNullable(state.get(key)).map(JsonNode::deepCopy);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void put(String key, JsonNode value) {
            store(key, value, false);
        }

        @Override
        public void putWithNext(String key, JsonNode value) {
            store(key, value, true);
        }

        private void store(String key, JsonNode value, boolean withNext) {
            ObjectNode line = Json.object();
            line.put("record", "state");
            line.put("key", key);
            line.set("value", value);
            byte[] bytes = Json.writeBytes(line);
            JsonNode copy = value.deepCopy();
            lock.lock();
            try {
                if (withNext) {
                    writeLater(bytes);
                } else {
                    write(bytes);
                }
                state.put(key, copy);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void remove(String key) {
            ObjectNode line = Json.object();
            line.put("record", "state");
            line.put("key", key);
            line.putNull("value");
            byte[] bytes = Json.writeBytes(line);
            lock.lock();
            try {
                write(bytes);
                state.remove(key);
            } finally {
                lock.unlock();
            }
        }
    }
}
