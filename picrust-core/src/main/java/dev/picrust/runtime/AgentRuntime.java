package dev.picrust.runtime;

import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.StandardAgent;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;

/**
 * Runs agents, one virtual thread each, and keeps a registry of the live ones by session id. An agent
 * that fails is contained: its subscribers get an {@code error} chunk and the final state
 * {@link AgentState.Error}, its registry entry is released, and everything else carries on.
 */
public final class AgentRuntime implements AutoCloseable {
    private final SessionStore store;
    private final ConcurrentMap<String, AgentHandle> live = new ConcurrentHashMap<>();

    public AgentRuntime(SessionStore store) {
        this.store = store;
    }

    public SessionStore store() {
        return store;
    }

    /** Starts an agent on a new session with a random id. */
    public AgentHandle spawn(AgentConfig config) {
        return spawn(config, "s-" + UUID.randomUUID());
    }

    /** Starts an agent on a new session with the given id; fails if the id is in use or on disk. */
    public AgentHandle spawn(AgentConfig config, String sessionId) {
        return spawn(config, SessionMetadata.create(sessionId, config.agentType(), config.model(),
                config.provider().name()));
    }

    /** Starts an agent on a new session described by {@code metadata}. */
    public AgentHandle spawn(AgentConfig config, SessionMetadata metadata) {
        reserve(metadata.id());
        try {
            return start(config, store.create(metadata));
        } catch (RuntimeException e) {
            live.remove(metadata.id());
            throw e;
        }
    }

    /** Starts an agent on an existing session (its history is loaded and repaired if a crash cut it). */
    public AgentHandle resume(AgentConfig config, String sessionId) {
        reserve(sessionId);
        try {
            AgentSession session = store.open(sessionId);
            session.updateMetadata(m -> m.withModel(config.model(), config.provider().name()));
            return start(config, session);
        } catch (RuntimeException e) {
            live.remove(sessionId);
            throw e;
        }
    }

    private void reserve(String sessionId) {
        if (live.putIfAbsent(sessionId, PLACEHOLDER) != null) {
            throw new IllegalStateException("an agent is already running on session " + sessionId);
        }
    }

    private AgentHandle start(AgentConfig config, AgentSession session) {
        OutputBus bus = new OutputBus();
        StandardAgent agent = new StandardAgent(config, session, bus);
        AgentHandle handle = new AgentHandle(agent);
        live.put(session.id(), handle);
        session.loadWarnings().forEach(w -> bus.publish(new OutputChunk.Status("session_repaired", w)));
        Thread.ofVirtual().name("agent-" + session.id()).start(() -> runContained(agent, handle, bus, session));
        return handle;
    }

    private void runContained(StandardAgent agent, AgentHandle handle, OutputBus bus, AgentSession session) {
        AgentState finalState = AgentState.DONE;
        try {
            agent.run();
        } catch (InterruptedException e) {
            finalState = new AgentState.Error("agent thread interrupted");
            bus.publish(new OutputChunk.Error("agent stopped: thread interrupted"));
        } catch (Throwable e) {
            String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            finalState = new AgentState.Error(message);
            bus.publish(new OutputChunk.Error("agent failed: " + message));
        } finally {
            bus.publish(new OutputChunk.StateChange(finalState));
            live.remove(session.id(), handle);
            try {
                session.close();
            } catch (RuntimeException ignored) {
                // The session's records are already durable; a failing close loses nothing.
            }
            handle.markTerminated(finalState);
            bus.end();
        }
    }

    public Optional<AgentHandle> find(String sessionId) {
        AgentHandle h = live.get(sessionId);
        return h == PLACEHOLDER ? Optional.empty() : Optional.ofNullable(h);
    }

    public List<AgentHandle> list() {
        List<AgentHandle> handles = new ArrayList<>();
        live.values().forEach(h -> {
            if (h != PLACEHOLDER) {
                handles.add(h);
            }
        });
        return handles;
    }

    public int count() {
        return list().size();
    }

    /**
     * Shuts every agent down and waits until all have stopped or the deadline passed. Returns the
     * session ids of agents still running at the deadline.
     */
    public List<String> shutdownAll(Duration deadline) throws InterruptedException {
        List<AgentHandle> handles = list();
        handles.forEach(AgentHandle::shutdown);
        Instant end = Instant.now().plus(deadline);
        List<String> stuck = new ArrayList<>();
        for (AgentHandle h : handles) {
            Duration left = Duration.between(Instant.now(), end);
            try {
                h.awaitTermination(left.isNegative() ? Duration.ZERO : left);
            } catch (TimeoutException e) {
                stuck.add(h.sessionId());
            }
        }
        return stuck;
    }

    @Override
    public void close() throws InterruptedException {
        shutdownAll(Duration.ofSeconds(30));
    }

    private static final AgentHandle PLACEHOLDER = new AgentHandle(null);
}
