package dev.picrust.testkit.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.UsageTotals;
import dev.picrust.llm.Message;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionException;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionSnapshot;
import dev.picrust.session.SessionState;
import dev.picrust.session.SessionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * A {@link SessionStore} in this process's memory, for tests that need sessions but no files. Every
 * append is "durable" when it returns; nothing survives the JVM. It passes
 * {@link SessionStoreContract}, which makes it the proof that the interface is all a store needs.
 */
public final class InMemorySessionStore implements SessionStore {
    private final ConcurrentHashMap<String, Stored> sessions = new ConcurrentHashMap<>();

    @Override
    public AgentSession create(SessionMetadata metadata) {
        SessionStore.requireValidId(metadata.id());
        Stored stored = new Stored(metadata);
        stored.opens = 1;
        if (sessions.putIfAbsent(metadata.id(), stored) != null) {
            throw new SessionException("session already exists: " + metadata.id());
        }
        return new Session(stored);
    }

    @Override
    public AgentSession open(String id) {
        Stored stored = find(id);
        stored.lock.lock();
        try {
            if (stored.deleted) {
                throw new SessionException("no such session: " + id);
            }
            if (stored.opens > 0) {
                throw new SessionException("session " + id + " is in use by this process; one writer at a time");
            }
            stored.opens++;
        } finally {
            stored.lock.unlock();
        }
        return new Session(stored);
    }

    @Override
    public SessionSnapshot read(String id) {
        Stored stored = find(id);
        stored.lock.lock();
        try {
            return new SessionSnapshot(stored.metadata, stored.messages, stored.records, stored.state, List.of(),
                    stored.usage);
        } finally {
            stored.lock.unlock();
        }
    }

    @Override
    public Optional<SessionMetadata> readMetadata(String id) {
        SessionStore.requireValidId(id);
        return Optional.ofNullable(sessions.get(id)).map(Stored::metadata);
    }

    @Override
    public List<SessionMetadata> list() {
        return sessions.values().stream().map(Stored::metadata)
                .sorted(Comparator.comparing(SessionMetadata::updatedAt).reversed())
                .toList();
    }

    @Override
    public void delete(String id) {
        Stored stored = find(id);
        stored.lock.lock();
        try {
            if (stored.opens > 0) {
                throw new SessionException("session " + id + " is open; close it before deleting it");
            }
            stored.deleted = true;
            sessions.remove(id, stored);
        } finally {
            stored.lock.unlock();
        }
    }

    @Override
    public String location() {
        return "memory";
    }

    @Override
    public String location(String id) {
        return "memory:" + SessionStore.requireValidId(id);
    }

    private Stored find(String id) {
        SessionStore.requireValidId(id);
        Stored stored = sessions.get(id);
        if (stored == null) {
            throw new SessionException("no such session: " + id);
        }
        return stored;
    }

    /** One session's data, shared by every {@link Session} open on it; guarded by {@link #lock}. */
    private static final class Stored {
        final ReentrantLock lock = new ReentrantLock();
        final List<Message> messages = new ArrayList<>();
        final List<ObjectNode> records = new ArrayList<>();
        final Map<String, JsonNode> state = new LinkedHashMap<>();
        UsageTotals usage = UsageTotals.ZERO;
        volatile SessionMetadata metadata;
        int opens;
        boolean deleted;

        Stored(SessionMetadata metadata) {
            this.metadata = metadata;
        }

        SessionMetadata metadata() {
            return metadata;
        }
    }

    private static final class Session implements AgentSession {
        private final Stored stored;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final SessionState state = new State();

        Session(Stored stored) {
            this.stored = stored;
        }

        @Override
        public SessionMetadata metadata() {
            return stored.metadata;
        }

        @Override
        public SessionMetadata updateMetadata(UnaryOperator<SessionMetadata> change) {
            stored.lock.lock();
            try {
                stored.metadata = change.apply(stored.metadata).touched(Instant.now());
                return stored.metadata;
            } finally {
                stored.lock.unlock();
            }
        }

        @Override
        public List<Message> messages() {
            stored.lock.lock();
            try {
                return List.copyOf(stored.messages);
            } finally {
                stored.lock.unlock();
            }
        }

        @Override
        public Optional<Message> lastMessage() {
            stored.lock.lock();
            try {
                return stored.messages.isEmpty() ? Optional.empty() : Optional.of(stored.messages.getLast());
            } finally {
                stored.lock.unlock();
            }
        }

        @Override
        public int messageCount() {
            stored.lock.lock();
            try {
                return stored.messages.size();
            } finally {
                stored.lock.unlock();
            }
        }

        @Override
        public void append(Message message) {
            stored.lock.lock();
            try {
                stored.messages.add(message);
            } finally {
                stored.lock.unlock();
            }
        }

        @Override
        public void append(Message message, UsageTotals used) {
            stored.lock.lock();
            try {
                stored.messages.add(message);
                stored.usage = stored.usage.plus(used);
            } finally {
                stored.lock.unlock();
            }
        }

        @Override
        public void appendWithNext(Message message, UsageTotals used) {
            append(message, used);
        }

        @Override
        public UsageTotals usage() {
            stored.lock.lock();
            try {
                return stored.usage;
            } finally {
                stored.lock.unlock();
            }
        }

        @Override
        public void appendRecord(String kind, ObjectNode body) {
            ObjectNode line = JsonNodeFactory.instance.objectNode();
            line.put("record", kind);
            line.put("ts", Instant.now().toString());
            line.setAll(body.deepCopy());
            stored.lock.lock();
            try {
                if (kind.equals(USAGE_RECORD)) {
                    stored.usage = stored.usage.plus(UsageTotals.fromJson(line));
                } else {
                    stored.records.add(line);
                }
            } finally {
                stored.lock.unlock();
            }
        }

        @Override
        public void appendWithNext(Message message) {
            append(message);
        }

        @Override
        public void appendRecordWithNext(String kind, ObjectNode body) {
            appendRecord(kind, body);
        }

        @Override
        public List<ObjectNode> records() {
            stored.lock.lock();
            try {
                return stored.records.stream().map(ObjectNode::deepCopy).toList();
            } finally {
                stored.lock.unlock();
            }
        }

        @Override
        public SessionState state() {
            return state;
        }

        @Override
        public void release() {
            // nothing held
        }

        @Override
        public void awaitDurable() {
            // durable on return already
        }

        @Override
        public List<String> loadWarnings() {
            return List.of();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                stored.lock.lock();
                try {
                    stored.opens--;
                } finally {
                    stored.lock.unlock();
                }
            }
        }

        private final class State implements SessionState {
            @Override
            public Map<String, JsonNode> snapshot() {
                stored.lock.lock();
                try {
                    Map<String, JsonNode> copy = new LinkedHashMap<>();
                    stored.state.forEach((k, v) -> copy.put(k, v.deepCopy()));
                    return copy;
                } finally {
                    stored.lock.unlock();
                }
            }

            @Override
            public Optional<JsonNode> get(String key) {
                stored.lock.lock();
                try {
                    return Optional.ofNullable(stored.state.get(key)).map(JsonNode::deepCopy);
                } finally {
                    stored.lock.unlock();
                }
            }

            @Override
            public void put(String key, JsonNode value) {
                JsonNode copy = value.deepCopy();
                stored.lock.lock();
                try {
                    stored.state.put(key, copy);
                } finally {
                    stored.lock.unlock();
                }
            }

            @Override
            public void remove(String key) {
                stored.lock.lock();
                try {
                    stored.state.remove(key);
                } finally {
                    stored.lock.unlock();
                }
            }
        }
    }
}
