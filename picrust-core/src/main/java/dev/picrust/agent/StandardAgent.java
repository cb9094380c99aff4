package dev.picrust.agent;

import dev.picrust.event.EndReason;

import dev.picrust.event.StatusCode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.agent.context.ContextInjection;
import dev.picrust.agent.context.InjectionContext;
import dev.picrust.hook.HookContext;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookFailure;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookOutcome;
import dev.picrust.hook.StopGuard;
import dev.picrust.permission.PendingRequest;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.permission.PermissionPolicy;
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
import dev.picrust.event.AgentState;
import dev.picrust.event.InputMessage;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import dev.picrust.session.AgentSession;
import dev.picrust.tool.PathResolver;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.UserQuestions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
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
    private final OutputSink bus;
    private final BlockingQueue<InputMessage> inbox = new LinkedBlockingQueue<>();
    private final RequestFactory requests;
    private final ToolExecutor tools;
    private final PathResolver paths;
    private final PermissionPolicy policy;
    private final Map<Class<?>, Object> resources = new ConcurrentHashMap<>();
    private final HumanRequests humans;
    private final StopGuard stopGuard = new StopGuard();
    private final HookContext hookContext;
    /** SessionStart hooks' context, given to the model with the next prompt. Agent thread only. */
    private final List<String> sessionStartContexts = new ArrayList<>();
    private volatile String stopRequest;
    private int turns;
    private volatile AgentState state = AgentState.IDLE;
    private volatile Cancellation currentTurn;
    private volatile boolean shuttingDown;
    private boolean inboxClosed;  // guarded by inbox

    public StandardAgent(AgentConfig config, AgentSession session, OutputSink bus) {
        this.config = config;
        this.session = session;
        this.bus = bus;
        this.requests = new RequestFactory(config);
        this.hookContext = new HookContext(session.id(), config.agentType(), config.workingDirectory(),
                config.permissions().mode());
        this.humans = new HumanRequests(this);
        this.policy = new PermissionPolicy(config.permissions().store(), config.permissions().rules(),
                Path.of(System.getProperty("user.home")));
        this.tools = new ToolExecutor(this, new ToolCallGate(this, policy, humans));
        this.paths = config.allowedRoots().isEmpty()
                ? PathResolver.unconfined(config.workingDirectory())
                : PathResolver.confined(config.workingDirectory(), config.allowedRoots());
    }

    /** The agent's life: turns until shutdown. Runs on the agent's own (virtual) thread. */
    public void run() throws InterruptedException {
        Optional<InputMessage> unprocessed = Optional.empty();
        try {
            sessionStartContexts.addAll(runHooks(new HookInput.SessionStart(hookContext(), session.messageCount() == 0
                    ? HookInput.SessionStartSource.STARTUP : HookInput.SessionStartSource.RESUME)).contexts());
            if (waitingForHumanAtCrash()) {
                runTurn(Optional.empty());  // re-raise the same requests; the turn goes on when answered
            } else {
                repairHistory();
            }
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
            runHooks(new HookInput.SessionEnd(hookContext(), shuttingDown ? HookInput.SessionEndReason.SHUTDOWN
                    : HookInput.SessionEndReason.STOPPED));
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
            EndReason reason = loop(prompt, cancellation);
            session.awaitDurable();  // steps stored "with next" are on disk before the turn reports done
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
            emit(new OutputChunk.Done(EndReason.ERROR));
        } finally {
            currentTurn = null;
            session.release();
        }
    }

    /** Returns why the turn ended. */
    private EndReason loop(Optional<List<ContentBlock>> prompt, Cancellation cancellation) {
        stopGuard.reset();
        stopRequest = null;
        turns++;
        if (prompt.isPresent()) {
            Optional<Message> accepted = acceptPrompt(prompt.get());
            if (accepted.isEmpty()) {
                return EndReason.BLOCKED;
            }
            session.append(accepted.get());
        } else if (!endsWithUserMessage() && unansweredToolCalls().isEmpty()) {
            return EndReason.END_TURN;  // nothing to continue
        }
        int iterations = 0;
        while (true) {
            List<ToolUseBlock> calls = unansweredToolCalls();  // non-empty only when resuming mid-batch
            if (calls.isEmpty()) {
                if (++iterations > config.maxIterations()) {
                    emit(new OutputChunk.Status(StatusCode.MAX_ITERATIONS,
                            "stopped after " + config.maxIterations() + " model calls in one turn"));
                    return EndReason.MAX_ITERATIONS;
                }
                switch (askModel(iterations, cancellation)) {
                    case Step.End end -> { return end.reason(); }
                    case Step.CallAgain again -> { continue; }
                    case Step.RunTools run -> calls = run.calls();
                }
            }
            Optional<EndReason> ended = runTools(calls, iterations < config.maxIterations(), cancellation);
            if (ended.isPresent()) {
                return ended.get();
            }
        }
    }

    /** What a model response asks the loop to do next. */
    private sealed interface Step {
        record RunTools(List<ToolUseBlock> calls) implements Step {}

        /** Call the model again without tools: {@code pause_turn}, or a Stop hook asked to keep working. */
        record CallAgain() implements Step {}

        record End(EndReason reason) implements Step {}
    }

    /** One model call: prepare the request, stream the answer, store it, and decide what comes next. */
    private Step askModel(int iteration, Cancellation cancellation) {
        Optional<LlmRequest> request = prepareRequest(iteration);
        if (stopRequest != null) {
            return new Step.End(stopped());
        }
        if (request.isEmpty()) {
            return new Step.End(EndReason.BLOCKED);
        }
        session.release();  // no descriptor held while waiting for the model
        StreamedText streamed = new StreamedText();
        LlmResponse response;
        long started = System.nanoTime();
        try {
            response = callModel(request.get(), streamed, cancellation);
        } catch (CancellationException e) {
            return new Step.End(interruptedWhileStreaming(streamed));
        } catch (LlmException e) {
            if (cancellation.isCancelled()) {
                // Cancelling may surface as a failed connection rather than a CancellationException.
                return new Step.End(interruptedWhileStreaming(streamed));
            }
            emit(new OutputChunk.Error("LLM call failed: " + e.getMessage()));
            return new Step.End(EndReason.ERROR);
        }
        emit(new OutputChunk.UsageReport(response.model(), response.usage()));
        if (hasHooksFor(HookEvent.POST_LLM_CALL)) {
            runHooks(new HookInput.PostLlmCall(hookContext(), request.get(), response,
                    Duration.ofNanos(System.nanoTime() - started), iteration));
        }
        reportIncomplete(response.incompleteToolUses());
        Message reply = withoutEmptyText(response.toMessage());
        List<ToolUseBlock> toolUses = toolUsesOf(reply.content());
        if (!reply.content().isEmpty()) {
            if (onlyReadOnly(toolUses)) {
                // Durable with the results, which are appended before anything else can happen: a
                // crash in between loses calls that changed nothing, and the turn is asked again.
                session.appendWithNext(reply);
            } else {
                session.append(reply);  // durable before any tool with effects runs
            }
        }
        if (hasHooksFor(HookEvent.POST_ASSISTANT_RESPONSE)) {
            runHooks(new HookInput.PostAssistantResponse(hookContext(), reply, response.stopReason()));
        }

        if (!toolUses.isEmpty()) {
            return new Step.RunTools(toolUses);
        }
        if (stopRequest != null) {
            return new Step.End(stopped());  // a PostLLMCall or PostAssistantResponse hook said stop
        }
        return switch (response.stopReason()) {
            case PAUSE_TURN -> new Step.CallAgain();
            case REFUSAL -> {
                emit(new OutputChunk.Status(StatusCode.REFUSAL, "the model refused to respond"));
                yield new Step.End(EndReason.REFUSAL);
            }
            case MAX_TOKENS -> {
                emit(new OutputChunk.Status(StatusCode.MAX_TOKENS, "the response was cut off at max_tokens"));
                yield new Step.End(EndReason.MAX_TOKENS);
            }
            default -> {
                Optional<String> keepWorking = stopHookContinuation(response);
                if (keepWorking.isEmpty()) {
                    yield new Step.End(EndReason.END_TURN);
                }
                session.append(Message.user(keepWorking.get()));
                yield new Step.CallAgain();
            }
        };
    }

    /**
     * Runs a batch of tool calls and stores their results as one user message (with steering input
     * when {@code canSteer}). Returns why the turn ends, if it ends here.
     */
    private Optional<EndReason> runTools(List<ToolUseBlock> calls, boolean canSteer, Cancellation cancellation) {
        List<ToolResultBlock> results = tools.execute(calls, cancellation);
        setState(AgentState.PROCESSING);
        List<ContentBlock> next = new ArrayList<>(results);
        if (cancellation.isCancelled()) {
            next.add(new TextBlock(INTERRUPTED_MARKER));
            session.append(Message.user(next));
            tools.batchStored();
            emit(new OutputChunk.Status(StatusCode.INTERRUPTED, "the user interrupted the turn"));
            return Optional.of(EndReason.INTERRUPTED);
        }
        if (canSteer) {
            next.addAll(steeringInput());  // else the turn ends here: the input starts the next one
        }
        if (next.size() == results.size() && onlyReadOnly(calls)) {
            // Results of calls that only read, with no user input riding along: durable with the next
            // line, at the latest when the turn ends. A crash before that loses a step that changed
            // nothing, and the model is asked again; the agent does not wait for the disk per step.
            session.appendWithNext(Message.user(next));
        } else {
            session.append(Message.user(next));
        }
        tools.batchStored();
        return stopRequest == null ? Optional.empty() : Optional.of(stopped());
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
                    emit(new OutputChunk.Status(StatusCode.RETRY, "attempt " + r.attempt() + " failed (" + r.reason()
                            + "); retrying in " + r.delay().toMillis() + " ms; discard partial output"));
                }
            }
        }, cancellation);
    }

    // ---------------------------------------------------------------- pieces of the turn

    /** Runs UserPromptSubmit hooks; empty if a hook blocked the prompt. */
    private Optional<Message> acceptPrompt(List<ContentBlock> prompt) {
        String text = Message.user(prompt).text();
        HookOutcome hooks = runHooks(new HookInput.UserPromptSubmit(hookContext(), text));
        if (hooks.denied() || hooks.stopRequested()) {
            String reason = hooks.denyReason().or(hooks::stopReason).orElse("blocked by a hook");
            emit(new OutputChunk.Error("prompt blocked: " + reason));
            return Optional.empty();
        }
        List<ContentBlock> content = new ArrayList<>();
        if (hooks.updatedPrompt().isPresent()) {
            content.add(new TextBlock(hooks.updatedPrompt().get()));
            prompt.stream().filter(b -> !(b instanceof TextBlock)).forEach(content::add);
        } else {
            content.addAll(prompt);
        }
        sessionStartContexts.forEach(c -> content.add(new TextBlock(ContextInjection.reminder(c))));
        sessionStartContexts.clear();
        hooks.contexts().forEach(c -> content.add(new TextBlock(ContextInjection.reminder(c))));
        return Optional.of(Message.user(content));
    }

    /** Cache breakpoints, injected context, then PreLLMCall hooks (which may edit or block the call). */
    private Optional<LlmRequest> prepareRequest(int iteration) {
        LlmRequest request = requests.createForCall(session.messages(), () -> new InjectionContext(session.id(),
                config.workingDirectory(), turns, iteration, Instant.now(), session.state().get("todos")));
        if (!hasHooksFor(HookEvent.PRE_LLM_CALL)) {
            return Optional.of(request);
        }
        HookOutcome hooks = runHooks(new HookInput.PreLlmCall(hookContext(), request, iteration));
        if (hooks.denied()) {
            emit(new OutputChunk.Error("model call blocked: " + hooks.denyReason().orElse("by a hook")));
            return Optional.empty();
        }
        return Optional.of(hooks.updatedRequest().orElse(request));
    }

    /** Stop hooks may ask the agent to keep working; the guard ends endless continue loops. */
    private Optional<String> stopHookContinuation(LlmResponse response) {
        if (!config.hooks().hasHooksFor(HookEvent.STOP)) {
            return Optional.empty();
        }
        HookOutcome hooks = runHooks(new HookInput.Stop(hookContext(), response.stopReason(), response.text(),
                stopGuard.active()));
        return switch (stopGuard.evaluate(hooks)) {
            case StopGuard.Action.End end -> Optional.empty();
            case StopGuard.Action.Continue c -> Optional.of(c.instruction());
            case StopGuard.Action.LimitReached limit -> {
                emit(new OutputChunk.Status(StatusCode.STOP_HOOK_LIMIT, "Stop hooks asked to continue " + limit.limit()
                        + " times in a row; ending the turn"));
                yield Optional.empty();
            }
        };
    }

    private EndReason stopped() {
        emit(new OutputChunk.Status(StatusCode.STOPPED, stopRequest));
        return EndReason.STOPPED;
    }

    private EndReason interruptedWhileStreaming(StreamedText streamed) {
        session.append(Message.assistant(interruptedContent(streamed.text())));
        emit(new OutputChunk.Status(StatusCode.INTERRUPTED, "the user interrupted the model's response"));
        return EndReason.INTERRUPTED;
    }

    /** Tool calls of the last message that have no results: only after a crash or failure mid-batch. */
    private List<ToolUseBlock> unansweredToolCalls() {
        return session.lastMessage()
                .filter(last -> last.role() == Role.ASSISTANT)
                .map(last -> toolUsesOf(last.content()))
                .orElse(List.of());
    }

    /** True if there are calls and every one is of a known read-only tool. */
    private boolean onlyReadOnly(List<ToolUseBlock> calls) {
        if (calls.isEmpty()) {
            return false;
        }
        for (ToolUseBlock call : calls) {
            Optional<Tool> tool = config.tools().find(call.name());
            if (tool.isEmpty() || !tool.get().readOnly()) {
                return false;
            }
        }
        return true;
    }

    /** The tool calls among {@code content}, in order (a plain loop: runs several times per model call). */
    private static List<ToolUseBlock> toolUsesOf(List<ContentBlock> content) {
        List<ToolUseBlock> uses = null;
        for (ContentBlock b : content) {
            if (b instanceof ToolUseBlock u) {
                if (uses == null) {
                    uses = new ArrayList<>(2);
                }
                uses.add(u);
            }
        }
        return uses == null ? List.of() : List.copyOf(uses);
    }

    /** True if the process stopped while a tool call waited for a human's answer. */
    private boolean waitingForHumanAtCrash() {
        return unansweredToolCalls().stream().anyMatch(c -> humans.pending().forToolUse(c.id()).isPresent());
    }

    private void repairHistory() {
        HistoryRepair.missingToolResults(session.messages(), tools.finishedBeforeCrash()).ifPresent(repair -> {
            session.append(repair);
            tools.batchStored();
            emit(new OutputChunk.Status(StatusCode.REPAIRED, "added results for " + repair.content().size()
                    + " tool call(s) left unfinished by a crash"));
        });
    }

    private boolean endsWithUserMessage() {
        return session.lastMessage().filter(last -> last.role() == Role.USER).isPresent();
    }

    /** The API rejects empty text blocks in a request, and models sometimes stream one (a refusal). */
    private static Message withoutEmptyText(Message message) {
        boolean any = false;
        for (ContentBlock b : message.content()) {
            any |= b instanceof TextBlock t && t.text().isEmpty();
        }
        if (!any) {
            return message;
        }
        List<ContentBlock> kept = new ArrayList<>(message.content().size());
        for (ContentBlock b : message.content()) {
            if (!(b instanceof TextBlock t && t.text().isEmpty())) {
                kept.add(b);
            }
        }
        return new Message(message.role(), kept);
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
            emit(new OutputChunk.Status(StatusCode.TOOL_CALL_TRUNCATED, "tool call " + t.name() + " (" + t.id()
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
            emit(new OutputChunk.Status(StatusCode.STEERED, count + " message(s) sent during the turn were delivered "
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
        return humans.answer(requestId, PendingRequest.Kind.QUESTION, Map.copyOf(answers));
    }

    /** Answers an open permission request; false if no such request is waiting. */
    public boolean answerPermission(String requestId, PermissionAnswer answer) {
        return humans.answer(requestId, PendingRequest.Kind.PERMISSION, answer);
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


    PermissionPolicy permissionPolicy() {
        return policy;
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
                return humans.canAnswer();
            }

            @Override
            public Map<String, String> ask(JsonNode questions) throws ToolException, InterruptedException {
                if (!canAsk()) {
                    throw new ToolException("No one can answer questions in this run (it is headless); "
                            + "decide with the information you have, or state your assumptions.");
                }
                PendingRequest request = humans.pending().forToolUse(toolUseId)
                        .filter(p -> p.kind() == PendingRequest.Kind.QUESTION)
                        .orElseGet(() -> PendingRequest.question(toolUseId, questions, Instant.now(),
                                config.permissions().approvalTimeout()));
                tools.saveProgress();
                Optional<Map<String, String>> answers;
                try {
                    answers = humans.askQuestions(request, cancellation);
                } finally {
                    humans.resolved(request.requestId());  // answered, timed out or interrupted: no longer open
                }
                return answers.orElseThrow(() -> new ToolException(
                        "Nobody answered the question in time; decide with the information you have."));
            }
        };
    }

    // ---------------------------------------------------------------- hooks

    /** Runs hooks for one event; every hook failure is announced and recorded, never swallowed. */
    public HookOutcome runHooks(HookInput input) {
        if (!config.hooks().hasHooksFor(input.event())) {
            return HookOutcome.none(input.event());
        }
        Cancellation turn = currentTurn;
        // An observer reports something that happened (a tool killed by the interrupt, say): it runs
        // even when the turn is already cancelled, bounded by its own timeout.
        boolean observesCancelledTurn = turn != null && turn.isCancelled()
                && input.event().kind() == HookEvent.Kind.OBSERVER;
        HookOutcome outcome = config.hooks().run(input,
                turn == null || observesCancelledTurn ? Cancellation.none() : turn);
        for (HookFailure failure : outcome.failures()) {
            emit(new OutputChunk.Status(StatusCode.HOOK_FAILED, failure.describe()));
            session.appendRecord("hook_failure", failure.toJson());
        }
        outcome.stopReason().ifPresent(this::requestStop);
        return outcome;
    }

    /** What hooks learn about this agent; public for runtime collaborators (subagents). */
    public HookContext hookContext() {
        return hookContext;
    }

    /** True if hooks are registered for {@code event}: lets the loop skip building their input. */
    boolean hasHooksFor(HookEvent event) {
        return config.hooks().hasHooksFor(event);
    }

    /**
     * A hook asked to stop (a Stop decision, or a fail-closed observer that failed): calls not yet
     * started are not run, and the turn ends at the next step. The first reason is kept.
     */
    void requestStop(String reason) {
        if (stopRequest == null) {
            stopRequest = reason;
        }
    }

    Optional<String> stopRequested() {
        return Optional.ofNullable(stopRequest);
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
            emit(new OutputChunk.Status(StatusCode.INPUT_KEPT, "input that arrived before the agent stopped was saved "
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
