package dev.picrust.runtime;

import dev.picrust.event.AgentState;
import dev.picrust.event.InputMessage;

import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.AgentControls;
import dev.picrust.agent.UsageLedger;
import dev.picrust.event.OutputChunk;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.TextBlock;
import dev.picrust.permission.PendingRequest;
import dev.picrust.permission.PendingRequests;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.event.StatusCode;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionMetadata;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * The only way in and out of a running agent: send input, subscribe to output, answer questions,
 * interrupt, shut down. Thread-safe; never blocks on the agent.
 */
public final class AgentHandle {
    private final AgentControls agent;
    private final AgentSession session;
    private final OutputBus bus;
    private final CompletableFuture<AgentState> terminated = new CompletableFuture<>();
    private final UsageLedger usage;

    AgentHandle(AgentControls agent, AgentSession session, OutputBus bus, UsageLedger usage) {
        this.agent = agent;
        this.session = session;
        this.bus = bus;
        this.usage = usage;
    }

    /** What this agent used and cost: per turn, per session (earlier runs included) and with its subagents. */
    public UsageLedger usage() {
        return usage;
    }

    public String sessionId() {
        return session.id();
    }

    public SessionMetadata metadata() {
        return session.metadata();
    }

    /**
     * Changes the session's metadata atomically (a front end's own {@code custom} keys, a name): safe
     * beside the agent's own updates. Returns the metadata as written.
     */
    public SessionMetadata updateMetadata(UnaryOperator<SessionMetadata> change) {
        return session.updateMetadata(change);
    }

    /**
     * Sends a prompt and returns the chunks of the turn that answers it, ending with its
     * {@code done}: {@code for (OutputChunk c : agent.prompt("..."))}. Subscribes before sending, so
     * nothing is missed. Meant for an agent that is idle; if a turn is already running, the chunks
     * are that turn's (a steered prompt is answered in it). Iterate once; the subscription closes at
     * {@code done}, when the agent stops, or if the iterating thread is interrupted (its interrupt
     * flag is then set again).
     *
     * @throws IllegalStateException if the agent has been shut down
     */
    public Iterable<OutputChunk> prompt(String text) {
        return prompt(List.of(new TextBlock(text)));
    }

    public Iterable<OutputChunk> prompt(List<ContentBlock> content) {
        Subscription output = subscribe();
        try {
            send(content);
        } catch (RuntimeException e) {
            output.close();
            throw e;
        }
        AtomicBoolean iterated = new AtomicBoolean();
        return () -> {
            if (!iterated.compareAndSet(false, true)) {
                throw new IllegalStateException("a prompt's chunks can be iterated once");
            }
            return new TurnChunks(output);
        };
    }

    /** One turn's chunks, up to and including its {@code done}. */
    private static final class TurnChunks implements Iterator<OutputChunk> {
        private final Subscription output;
        private Optional<OutputChunk> next = Optional.empty();
        private boolean ended;

        TurnChunks(Subscription output) {
            this.output = output;
        }

        @Override
        public boolean hasNext() {
            if (next.isEmpty() && !ended) {
                try {
                    next = output.next();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    next = Optional.empty();
                }
                ended = next.isEmpty() || next.get() instanceof OutputChunk.Done;
                if (ended) {
                    output.close();
                }
            }
            return next.isPresent();
        }

        @Override
        public OutputChunk next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            OutputChunk chunk = next.get();
            next = Optional.empty();
            return chunk;
        }
    }

    /**
     * Queues a user message. Never dropped: it starts a turn if the agent is idle; during a turn it is
     * delivered as steering or as a follow-up ({@link dev.picrust.agent.InputDelivery}); if the agent
     * stops first it is appended to the session so a resumed agent sees it.
     *
     * @throws IllegalStateException if the agent has been shut down
     */
    public void send(String text) {
        send(List.of(new TextBlock(text)));
    }

    public void send(List<ContentBlock> content) {
        ensureRunning();
        agent.submit(new InputMessage.UserInput(content));
    }

    /**
     * Switches the agent to {@code model} on {@code provider} (possibly another API: Anthropic, OpenAI,
     * Gemini) from the next turn on; a running turn finishes on the model it started with. The session
     * records which model answers from then on, the history is converted for the new model exactly as
     * when a session is resumed with another model, and the session's metadata names the new model. The
     * last switch asked for before the next turn wins; a switch that cannot be recorded is reported as an
     * {@code error} chunk and the old model stays. The caller keeps owning (and closing) both providers.
     *
     * @throws IllegalStateException    if the agent has stopped
     * @throws IllegalArgumentException if {@code model} is blank
     */
    public void setModel(LlmProvider provider, String model) {
        ensureRunning();
        agent.setModel(provider, model);
    }

    /**
     * Queues a user message that compaction never summarises away: the model keeps seeing it
     * verbatim, as it does the session's first message. It starts a turn of its own (never steers).
     */
    public void sendPinned(String text) {
        ensureRunning();
        agent.submit(new InputMessage.UserInput(List.of(new TextBlock(text)), true));
    }

    /**
     * Summarises the history now, after the running turn if there is one: a {@code compacting}
     * status, then {@code compacted} (or {@code compaction_failed}, the history unchanged). The full
     * history stays in the session.
     */
    public void compact() {
        ensureRunning();
        agent.submit(new InputMessage.Compact(Optional.empty()));
    }

    /** As {@link #compact()}, telling the summary what to focus on. */
    public void compact(String instructions) {
        ensureRunning();
        agent.submit(new InputMessage.Compact(Optional.of(instructions)));
    }

    /** Continues an unfinished turn (for example after a resume) without new user input. */
    public void continueTurn() {
        ensureRunning();
        agent.submit(new InputMessage.Continue());
    }

    /** A new subscriber with its own buffer of {@link OutputBus#DEFAULT_CAPACITY} chunks. */
    /**
     * A new subscriber. It first gets one {@code session_repaired} status for each repair made when
     * the session was opened (damaged lines, unpaired tool calls), however late it subscribes: they
     * describe the session, and were once published before any front end could listen.
     */
    public Subscription subscribe() {
        return withRepairs(bus.subscribe());
    }

    public Subscription subscribe(int bufferCapacity) {
        return withRepairs(bus.subscribe(bufferCapacity));
    }

    private Subscription withRepairs(Subscription subscription) {
        session.loadWarnings().forEach(w -> subscription.offer(new OutputChunk.Status(StatusCode.SESSION_REPAIRED, w)));
        return subscription;
    }

    public AgentState state() {
        return terminated.isDone() ? terminated.join() : agent.state();
    }

    /**
     * Answers a permission request ({@code permission_request} chunk): allow once, allow always (saved
     * to the tier the answerer chooses), or deny. False if no such request is waiting.
     */
    public boolean answerPermission(String requestId, PermissionAnswer answer) {
        return agent.answerPermission(requestId, answer);
    }

    /**
     * Requests waiting for a human, as stored in the session: what a front end that connects late (or
     * after a restart) must show. Their ids are the ids to answer.
     */
    public List<PendingRequest> pendingRequests() {
        return new PendingRequests(session.state()).all();
    }

    /** Answers an AskUserQuestion request; false if no such question is open. */
    public boolean answer(String requestId, Map<String, String> answers) {
        return agent.answer(requestId, answers);
    }

    /**
     * Stops the current turn: cancels the model call, cancels running tools (and subagents), gives
     * unfinished tool calls synthetic results and records an interruption marker. The agent stays
     * alive and becomes idle; queued input is kept. Does nothing when no turn is running.
     */
    public void interrupt() {
        agent.interrupt();
    }

    /** Ends the agent: cancels its current turn and starts no other; queued input is kept in the session. */
    public void shutdown() {
        agent.shutdown();
    }

    public boolean isRunning() {
        return !terminated.isDone();
    }

    /** Waits until the agent has stopped; returns its final state. */
    public AgentState awaitTermination(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return terminated.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Completes when the agent has stopped, with its final state. */
    public CompletableFuture<AgentState> termination() {
        return terminated.copy();
    }

    /** The agent's session, for subagent support (the child's final text, the parent's lineage). */
    AgentSession session() {
        return session;
    }

    /** The configuration the agent runs with now, for subagent support (children inherit it). */
    AgentConfig config() {
        return agent.config();
    }

    void markTerminated(AgentState finalState) {
        terminated.complete(finalState);
    }

    private void ensureRunning() {
        if (terminated.isDone()) {
            throw new IllegalStateException("agent " + sessionId() + " has stopped");
        }
    }
}
