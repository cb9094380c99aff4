package dev.picrust.runtime;


import dev.picrust.event.OutputChunk;
import dev.picrust.event.AgentState;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.AgentInternals;
import dev.picrust.agent.AgentLoop;
import dev.picrust.agent.UsageLedger;
import dev.picrust.event.UsageTotals;
import dev.picrust.agent.StandardAgent;
import dev.picrust.json.Json;
import dev.picrust.secret.Redactor;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionSnapshot;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.ToolRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs agents, one virtual thread each, and keeps a registry of the live ones by session id. An
 * agent runs an {@link AgentLoop}: {@link StandardAgent} unless another is given; whichever it is,
 * it gets the same handle, output bus, session and hooks. At most one agent runs on a session. An agent that fails is contained: its subscribers get an {@code error}
 * chunk and the final state {@link AgentState.Error}, its registry entry is released, and the runtime
 * and the other agents carry on.
 */
public final class AgentRuntime implements AutoCloseable {
    /** Made on first use: SLF4J's start looks for providers on the class path, which opens the jar (~20 ms of a CLI run). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
    }
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(30);
    private static final AgentLoop STANDARD = new StandardAgent();

    private final SessionStore store;
    /** Session ids with an agent starting or running; claimed before the session is touched. */
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    /** Running agents; a subset of {@link #claimed}. */
    private final ConcurrentMap<String, AgentHandle> live = new ConcurrentHashMap<>();
    private final Subagents subagents = new Subagents(this);
    /** Every call of this runtime's agents; each agent's ledger hangs under it or under its parent's. */
    private final UsageLedger usage = UsageLedger.runtime();
    private volatile boolean shutDown;

    public AgentRuntime(SessionStore store) {
        this.store = store;
    }

    public SessionStore store() {
        return store;
    }

    /** Starts an agent on a new session with a random id. */
    public AgentHandle spawn(AgentConfig config) {
        return spawn(config, STANDARD);
    }

    /** Starts an agent running {@code loop} on a new session with a random id. */
    public AgentHandle spawn(AgentConfig config, AgentLoop loop) {
        return spawn(config, newMetadata(config, "s-" + UUID.randomUUID()), loop);
    }

    /** Starts an agent on a new session with the given id; fails if the id is in use or on disk. */
    public AgentHandle spawn(AgentConfig config, String sessionId) {
        return spawn(config, newMetadata(config, sessionId));
    }

    /** Starts an agent on a new session described by {@code metadata}. */
    public AgentHandle spawn(AgentConfig config, SessionMetadata metadata) {
        return spawn(config, metadata, STANDARD);
    }

    /** Starts an agent running {@code loop} on a new session described by {@code metadata}. */
    public AgentHandle spawn(AgentConfig config, SessionMetadata metadata, AgentLoop loop) {
        return spawn(config, metadata, loop, handle -> { });
    }

    /** As {@link #spawn(AgentConfig, SessionMetadata, AgentLoop)}; {@code beforeStart} sees the handle before the agent runs. */
    AgentHandle spawn(AgentConfig config, SessionMetadata metadata, AgentLoop loop, Consumer<AgentHandle> beforeStart) {
        return spawn(config, metadata, loop, usage, beforeStart);
    }

    /** As above, for a subagent: its usage counts in {@code parentUsage}'s tree too. */
    AgentHandle spawn(AgentConfig config, SessionMetadata metadata, AgentLoop loop, UsageLedger parentUsage,
                      Consumer<AgentHandle> beforeStart) {
        claim(metadata.id());
        try {
            AgentSession session = store.create(metadata);
            return start(config, session, loop, parentUsage.child(config.budget(), config.prices(), UsageTotals.ZERO,
                    UsageTotals.ZERO), beforeStart);
        } catch (RuntimeException | Error e) {
            claimed.remove(metadata.id());
            throw e;
        }
    }

    /** Starts an agent on an existing session (its history is loaded and repaired if a crash cut it). */
    public AgentHandle resume(AgentConfig config, String sessionId) {
        return resume(config, sessionId, STANDARD);
    }

    /** As {@link #resume(AgentConfig, String)}, running {@code loop}. */
    public AgentHandle resume(AgentConfig config, String sessionId, AgentLoop loop) {
        claim(sessionId);
        try {
            AgentSession session = store.open(sessionId);
            session.updateMetadata(m -> m.withModel(config.model(), config.provider().name()));
            UsageLedger ledger = usage.child(config.budget(), config.prices(), session.usage(),
                    session.usage().plus(childrenUsage(session.metadata().children(), new HashSet<>(Set.of(sessionId)))));
            return start(config, session, loop, ledger, handle -> { });
        } catch (RuntimeException | Error e) {
            claimed.remove(sessionId);
            throw e;
        }
    }

    /** The registry's running agents. */
    public List<AgentHandle> list() {
        return List.copyOf(live.values());
    }

    public Optional<AgentHandle> find(String sessionId) {
        return Optional.ofNullable(live.get(sessionId));
    }

    /** Every running agent's current state, by session id. */
    public Map<String, AgentState> states() {
        Map<String, AgentState> states = new LinkedHashMap<>();
        live.forEach((id, handle) -> states.put(id, handle.state()));
        return states;
    }

    public int count() {
        return live.size();
    }

    /** What every agent of this runtime used since it was created (earlier runs of resumed sessions not included). */
    public UsageTotals usage() {
        return usage.tree();
    }

    /** Starts subagents of this runtime's agents from code (tools); the Task tool uses it too. */
    public Subagents subagents() {
        return subagents;
    }

    /**
     * Shuts every agent down (cancelling current turns) and waits until all have stopped or the
     * deadline passed. The runtime accepts no new agents from then on. Returns the session ids of
     * agents still running at the deadline (a tool that ignores cancellation keeps its agent alive
     * until it returns; the agent stops right after).
     */
    public List<String> shutdownAll(Duration deadline) throws InterruptedException {
        shutDown = true;
        Instant end = Instant.now().plus(deadline);
        while (true) {
            List<AgentHandle> handles = list();
            if (handles.isEmpty()) {
                return List.of();
            }
            handles.forEach(AgentHandle::shutdown);
            for (AgentHandle h : handles) {
                Duration left = Duration.between(Instant.now(), end);
                try {
                    h.awaitTermination(left.isNegative() ? Duration.ZERO : left);
                } catch (TimeoutException e) {
                    // reported below
                }
            }
            if (!Instant.now().isBefore(end)) {
                return list().stream().map(AgentHandle::sessionId).toList();
            }
            // Agents that started while we waited (a subagent spawned mid-shutdown) get the same treatment.
        }
    }

    @Override
    public void close() throws InterruptedException {
        shutdownAll(CLOSE_DEADLINE);
    }

    // ---------------------------------------------------------------- internals

    /** The loop subagents run. */
    static AgentLoop standardLoop() {
        return STANDARD;
    }

    private static SessionMetadata newMetadata(AgentConfig config, String sessionId) {
        return SessionMetadata.create(sessionId, config.agentType(), config.model(), config.provider().name());
    }

    private void claim(String sessionId) {
        if (shutDown) {
            throw new IllegalStateException("the runtime is shut down; it starts no new agents");
        }
        if (!claimed.add(sessionId)) {
            throw new IllegalStateException("an agent is already running on session " + sessionId);
        }
    }

    /**
     * What the subagent sessions under a resumed agent used, read from the store, so that its tree
     * total and tree budget go on where they stopped. A child that cannot be read counts as nothing.
     */
    private UsageTotals childrenUsage(List<String> children, Set<String> seen) {
        UsageTotals total = UsageTotals.ZERO;
        for (String child : children) {
            if (!seen.add(child)) {
                continue;
            }
            try {
                SessionSnapshot snapshot = store.read(child);
                total = total.plus(snapshot.usage()).plus(childrenUsage(snapshot.metadata().children(), seen));
            } catch (RuntimeException e) {
                Log.LOG.warn("could not read the usage of subagent session {}: {}", child, e.getMessage());
            }
        }
        return total;
    }

    private AgentHandle start(AgentConfig config, AgentSession session, AgentLoop loop, UsageLedger ledger,
                              Consumer<AgentHandle> beforeStart) {
        OutputBus bus = new OutputBus();
        AgentConfig running = withTaskTool(config);
        AgentInternals agent = AgentInternals.create(running, session, bus, ledger);
        AgentHandle handle = new AgentHandle(agent.controls(), session, bus, ledger);
        try {
            beforeStart.accept(handle);
            live.put(session.id(), handle);
            Thread.ofVirtual().name("agent-" + session.id()).start(() -> runContained(loop, agent, handle, bus, session));
            return handle;
        } catch (RuntimeException | Error e) {
            live.remove(session.id(), handle);
            try {
                session.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * An agent with subagent types gets the Task tool. Its registry is then a copy of the configured
     * one (the tool's description lists this agent's types, so it cannot be shared); the copy keeps
     * the configured tool providers, so their tools stay live.
     */
    private AgentConfig withTaskTool(AgentConfig config) {
        if (config.subagents().isEmpty() || config.tools().find(TaskTool.NAME).isPresent()) {
            return config;
        }
        ToolRegistry tools = config.tools().copy();
        tools.register(new TaskTool(subagents, config.subagents()));
        return config.toBuilder().tools(tools).build();
    }

    private void runContained(AgentLoop loop, AgentInternals agent, AgentHandle handle, OutputBus bus,
                              AgentSession session) {
        AgentState finalState = AgentState.DONE;
        try {
            try {
                loop.run(agent);
            } finally {
                agent.finish();  // whatever the loop: unprocessed input kept, SessionEnd hooks, resources closed
            }
        } catch (InterruptedException e) {
            finalState = failed(session, bus, "agent thread interrupted", e);
        } catch (Throwable e) {
            finalState = failed(session, bus, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } finally {
            bus.publish(new OutputChunk.StateChange(finalState));
            live.remove(session.id(), handle);
            try {
                session.close();
            } catch (RuntimeException ignored) {
                // The session's records are already durable; a failing close loses nothing.
            }
            claimed.remove(session.id());
            handle.markTerminated(finalState);
            bus.end();
        }
    }

    private static AgentState failed(AgentSession session, OutputBus bus, String message, Throwable cause) {
        Log.LOG.error("agent on session {} failed", session.id(), Redactor.shared().redact(cause));
        bus.publish(new OutputChunk.Error("agent failed: " + message));
        try {
            ObjectNode body = Json.object().put("message", message);
            session.appendRecord("agent_failed", body);
        } catch (RuntimeException | Error ignored) {
            // The failure may be the session itself; subscribers were told already.
        }
        return new AgentState.Error(message);
    }
}
