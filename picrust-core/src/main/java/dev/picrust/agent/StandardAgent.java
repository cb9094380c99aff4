package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.IncompleteToolUse;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.runtime.AgentState;
import dev.picrust.runtime.InputMessage;
import dev.picrust.runtime.OutputBus;
import dev.picrust.runtime.OutputChunk;
import dev.picrust.session.AgentSession;
import dev.picrust.tool.PathResolver;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.UserQuestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * The agent loop: wait for input, then per turn — append the user message, and loop {call the model,
 * append its message, run its tool calls, append their results} until the model stops asking for
 * tools. Everything it does is appended to the session and announced on the output bus.
 *
 * <p>Run it through {@link dev.picrust.runtime.AgentRuntime}; talk to it through its
 * {@link dev.picrust.runtime.AgentHandle}.
 */
public final class StandardAgent {
    /** Recorded in the history where the user interrupted a turn. */
    public static final String INTERRUPTED_MARKER = "[interrupted by the user]";

    private final AgentConfig config;
    private final AgentSession session;
    private final OutputBus bus;
    private final BlockingQueue<InputMessage> inbox = new LinkedBlockingQueue<>();
    private final RequestFactory requests;
    private final ToolExecutor tools;
    private final PathResolver paths;
    private final Map<Class<?>, Object> resources = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Map<String, String>>> openQuestions = new ConcurrentHashMap<>();
    private volatile AgentState state = AgentState.IDLE;
    private volatile Cancellation currentTurn;
    private volatile boolean shuttingDown;
    private boolean inboxClosed;  // guarded by inbox

    public StandardAgent(AgentConfig config, AgentSession session, OutputBus bus) {
        this.config = config;
        this.session = session;
        this.bus = bus;
        this.requests = new RequestFactory(config);
        this.tools = new ToolExecutor(this);
        this.paths = config.allowedRoots().isEmpty()
                ? PathResolver.unconfined(config.workingDirectory())
                : PathResolver.confined(config.workingDirectory(), config.allowedRoots());
    }

    /** The agent's life: turns until shutdown. Runs on the agent's own (virtual) thread. */
    public void run() throws InterruptedException {
        Optional<InputMessage> unprocessed = Optional.empty();
        try {
            repairHistory();
            setState(AgentState.IDLE);
            while (true) {
                InputMessage input = inbox.take();
                if (shuttingDown || input instanceof InputMessage.Shutdown) {
                    unprocessed = Optional.of(input);
                    break;
                }
                switch (input) {
                    case InputMessage.UserInput user -> runTurn(Optional.of(user.content()));
                    case InputMessage.Continue c -> runTurn(Optional.empty());
                    case InputMessage.Shutdown s -> { }  // handled above
                }
                if (!shuttingDown) {
                    setState(AgentState.IDLE);
                }
            }
        } finally {
            keepUnprocessedInput(unprocessed);
            closeResources();
        }
    }

    // ---------------------------------------------------------------- the turn

    private void runTurn(Optional<List<ContentBlock>> prompt) {
        Cancellation cancellation = new Cancellation();
        currentTurn = cancellation;
        if (shuttingDown) {
            cancellation.cancel();  // shutdown() ran before currentTurn was visible to it
        }
        setState(AgentState.PROCESSING);
        try {
            String reason = loop(prompt, cancellation);
            emit(new OutputChunk.Done(reason));
        } catch (RuntimeException e) {
            // A bug or a broken disk must not kill the agent: report it, end the turn, stay alive,
            // and leave a history the next request can use (every tool call answered).
            emit(new OutputChunk.Error("turn failed: " + describe(e)));
            try {
                repairHistory();
            } catch (RuntimeException ignored) {
                // the session itself is failing; resume repairs it later
            }
            emit(new OutputChunk.Done("error"));
        } finally {
            currentTurn = null;
        }
    }

    /** Returns why the turn ended. */
    private String loop(Optional<List<ContentBlock>> prompt, Cancellation cancellation) {
        prompt.ifPresent(content -> session.append(Message.user(content)));
        if (prompt.isEmpty() && !endsWithUserMessage()) {
            return "end_turn";  // nothing to continue
        }
        int iterations = 0;
        while (true) {
            if (++iterations > config.maxIterations()) {
                emit(new OutputChunk.Status("max_iterations",
                        "stopped after " + config.maxIterations() + " model calls in one turn"));
                return "max_iterations";
            }
            LlmRequest request = requests.create(session.messages());
            StreamedText streamed = new StreamedText();
            LlmResponse response;
            try {
                response = callModel(request, streamed, cancellation);
            } catch (CancellationException e) {
                session.append(Message.assistant(interruptedContent(streamed.text())));
                emit(new OutputChunk.Status("interrupted", "the user interrupted the model's response"));
                return "interrupted";
            } catch (LlmException e) {
                if (cancellation.isCancelled()) {
                    // Cancelling may surface as a failed connection rather than a CancellationException.
                    session.append(Message.assistant(interruptedContent(streamed.text())));
                    emit(new OutputChunk.Status("interrupted", "the user interrupted the model's response"));
                    return "interrupted";
                }
                emit(new OutputChunk.Error("LLM call failed: " + e.getMessage()));
                return "error";
            }
            emit(new OutputChunk.UsageReport(response.model(), response.usage()));
            reportIncomplete(response.incompleteToolUses());
            Message reply = withoutEmptyText(response.toMessage());
            if (!reply.content().isEmpty()) {
                session.append(reply);
            }

            List<ToolUseBlock> calls = response.toolUses();
            if (calls.isEmpty()) {
                switch (response.stopReason()) {
                    case PAUSE_TURN -> { continue; }
                    case REFUSAL -> {
                        emit(new OutputChunk.Status("refusal", "the model refused to respond"));
                        return "refusal";
                    }
                    case MAX_TOKENS -> {
                        emit(new OutputChunk.Status("max_tokens", "the response was cut off at max_tokens"));
                        return "max_tokens";
                    }
                    default -> { return "end_turn"; }
                }
            }

            List<ToolResultBlock> results = tools.execute(calls, cancellation);
            setState(AgentState.PROCESSING);
            List<ContentBlock> next = new ArrayList<>(results);
            if (cancellation.isCancelled()) {
                next.add(new TextBlock(INTERRUPTED_MARKER));
                session.append(Message.user(next));
                emit(new OutputChunk.Status("interrupted", "the user interrupted the turn"));
                return "interrupted";
            }
            if (iterations < config.maxIterations()) {
                next.addAll(steeringInput());  // else the turn ends here: the input starts the next one
            }
            session.append(Message.user(next));
        }
    }

    private LlmResponse callModel(LlmRequest request, StreamedText streamed, Cancellation cancellation) {
        if (!config.streaming()) {
            LlmResponse response = config.provider().send(request, cancellation);
            for (ContentBlock block : response.content()) {
                if (block instanceof TextBlock text) {
                    emit(new OutputChunk.TextDelta(text.text()));
                }
            }
            return response;
        }
        return config.provider().stream(request, event -> {
            switch (event) {
                case StreamEvent.TextDelta d -> {
                    streamed.append(d.text());
                    emit(new OutputChunk.TextDelta(d.text()));
                }
                case StreamEvent.ThinkingDelta d -> emit(new OutputChunk.ThinkingDelta(d.text()));
                case StreamEvent.ToolUseStarted t -> { }
                case StreamEvent.Retrying r -> {
                    streamed.clear();
                    emit(new OutputChunk.Status("retry", "attempt " + r.attempt() + " failed (" + r.reason()
                            + "); retrying in " + r.delay().toMillis() + " ms; discard partial output"));
                }
            }
        }, cancellation);
    }

    // ---------------------------------------------------------------- pieces of the turn

    private void repairHistory() {
        HistoryRepair.missingToolResults(session.messages()).ifPresent(repair -> {
            session.append(repair);
            emit(new OutputChunk.Status("repaired", "added results for " + repair.content().size()
                    + " tool call(s) left unfinished by a crash"));
        });
    }

    private boolean endsWithUserMessage() {
        List<Message> history = session.messages();
        return !history.isEmpty() && history.getLast().role() == Role.USER;
    }

    /** The API rejects empty text blocks in a request, and models sometimes stream one (a refusal). */
    private static Message withoutEmptyText(Message message) {
        List<ContentBlock> kept = message.content().stream()
                .filter(b -> !(b instanceof TextBlock t && t.text().isEmpty()))
                .toList();
        return kept.size() == message.content().size() ? message : new Message(message.role(), kept);
    }

    private static List<ContentBlock> interruptedContent(String partialText) {
        List<ContentBlock> content = new ArrayList<>();
        if (!partialText.isBlank()) {
            content.add(new TextBlock(partialText));
        }
        content.add(new TextBlock(INTERRUPTED_MARKER));
        return content;
    }

    private void reportIncomplete(List<IncompleteToolUse> incomplete) {
        for (IncompleteToolUse t : incomplete) {
            emit(new OutputChunk.Status("tool_call_truncated", "tool call " + t.name() + " (" + t.id()
                    + ") was cut off before its input was complete and was not run"));
        }
    }

    /** User input that arrived during the turn, delivered now when the config steers. */
    private List<ContentBlock> steeringInput() {
        List<ContentBlock> steering = new ArrayList<>();
        if (config.inputDelivery() != InputDelivery.STEER) {
            return steering;
        }
        int count = 0;
        while (inbox.peek() instanceof InputMessage.UserInput) {
            InputMessage.UserInput input = (InputMessage.UserInput) inbox.poll();
            steering.addAll(input.content());
            count++;
        }
        if (count > 0) {
            emit(new OutputChunk.Status("steered", count + " message(s) sent during the turn were delivered "
                    + "with the tool results"));
        }
        return steering;
    }

    // ---------------------------------------------------------------- for the handle

    /** Queues input; fails once the agent has stopped taking input. */
    public void submit(InputMessage input) {
        synchronized (inbox) {
            if (inboxClosed) {
                throw new IllegalStateException("agent " + session.id() + " has stopped");
            }
            inbox.add(input);
        }
    }

    /** Stops the current turn, if any; the agent stays alive and becomes idle. */
    public void interrupt() {
        Cancellation turn = currentTurn;
        if (turn != null) {
            turn.cancel();
        }
    }

    public void shutdown() {
        shuttingDown = true;
        interrupt();
        inbox.add(new InputMessage.Shutdown());
    }

    /** Delivers answers to an open question; false if no such question is waiting. */
    public boolean answer(String requestId, Map<String, String> answers) {
        CompletableFuture<Map<String, String>> open = openQuestions.get(requestId);
        return open != null && open.complete(Map.copyOf(answers));
    }

    public AgentState state() {
        return state;
    }

    public AgentConfig config() {
        return config;
    }

    public AgentSession session() {
        return session;
    }

    public OutputBus bus() {
        return bus;
    }

    PathResolver pathResolver() {
        return paths;
    }

    // ---------------------------------------------------------------- for tools

    void emit(OutputChunk chunk) {
        bus.publish(chunk);
    }

    /** Sets and announces the state; public for runtime collaborators (subagents). */
    public void setState(AgentState newState) {
        state = newState;
        emit(new OutputChunk.StateChange(newState));
    }

    @SuppressWarnings("unchecked")
    <T> T resource(Class<T> type, Supplier<T> factory) {
        return (T) resources.computeIfAbsent(type, t -> factory.get());
    }

    UserQuestions questions(String toolUseId, Cancellation cancellation) {
        return new UserQuestions() {
            @Override
            public boolean canAsk() {
                return config.interactive();
            }

            @Override
            public Map<String, String> ask(JsonNode questions) throws ToolException, InterruptedException {
                if (!canAsk()) {
                    throw new ToolException("No one can answer questions in this run (it is headless); "
                            + "decide with the information you have, or state your assumptions.");
                }
                String requestId = "ask_" + UUID.randomUUID();
                AgentState before = state;
                CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
                openQuestions.put(requestId, answer);
                try (Cancellation.Registration r = cancellation.onCancel(() -> answer.cancel(false))) {
                    // state first: whoever reacts to the question sees the agent waiting for the answer
                    setState(new AgentState.WaitingForAnswer(requestId));
                    emit(new OutputChunk.Question(requestId, toolUseId, questions));
                    return answer.get();
                } catch (ExecutionException e) {
                    throw new ToolException("question failed: " + e.getCause().getMessage());
                } finally {
                    openQuestions.remove(requestId);
                    setState(before);
                }
            }
        };
    }

    /**
     * Input accepted but never processed (the agent stopped first) is appended to the session, so it
     * is not lost: a resumed agent sees it and {@code continueTurn} answers it.
     */
    private void keepUnprocessedInput(Optional<InputMessage> taken) {
        List<ContentBlock> pending = new ArrayList<>();
        taken.ifPresent(m -> {
            if (m instanceof InputMessage.UserInput user) {
                pending.addAll(user.content());
            }
        });
        synchronized (inbox) {
            inboxClosed = true;
            for (InputMessage m : inbox) {
                if (m instanceof InputMessage.UserInput user) {
                    pending.addAll(user.content());
                }
            }
            inbox.clear();
        }
        if (pending.isEmpty()) {
            return;
        }
        try {
            session.append(Message.user(pending));
            emit(new OutputChunk.Status("input_kept", "input that arrived before the agent stopped was saved "
                    + "to the session unprocessed"));
        } catch (RuntimeException e) {
            emit(new OutputChunk.Error("could not save unprocessed input: " + describe(e)));
        }
    }

    private void closeResources() {
        for (Object resource : resources.values()) {
            if (resource instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    emit(new OutputChunk.Error("could not release " + resource.getClass().getSimpleName()
                            + ": " + describe(e)));
                }
            }
        }
        resources.clear();
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Text streamed so far in the current call; reset when the provider restarts the call. */
    private static final class StreamedText {
        private final StringBuilder text = new StringBuilder();

        void append(String delta) {
            text.append(delta);
        }

        void clear() {
            text.setLength(0);
        }

        String text() {
            return text.toString();
        }
    }

}
