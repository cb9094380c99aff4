package dev.picrust.agent;

import dev.picrust.Cancellation;
import dev.picrust.agent.context.ContextInjection;
import dev.picrust.agent.context.InjectionContext;
import dev.picrust.event.AgentState;
import dev.picrust.event.EndReason;
import dev.picrust.event.InputMessage;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.StatusCode;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookOutcome;
import dev.picrust.hook.StopGuard;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolUseBlock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The standard agent loop. Per turn: run the prompt hooks and append the prompt; then loop {prepare
 * the request, call the model, append its message, execute its tool calls, append their results}
 * until the model stops asking for tools. Everything else is a collaborator from
 * {@link AgentInternals}: the {@link Transcript} decides how durable each line is, the
 * {@link ToolExecutor} runs tools behind the permission gate, the {@link HookRunner} returns what hooks
 * decided (a stop is a value this loop acts on), the {@link Inbox} holds input, {@link Recovery}
 * picks up after a crash.
 *
 * <p>Stateless: one instance runs any number of agents. To change the loop, fork it and pass yours
 * to {@code AgentRuntime.spawn(config, loop)}.
 */
public final class StandardAgent implements AgentLoop {
    /** The default loop; it keeps no state of its own, so one instance can run any number of agents. */
    public StandardAgent() {}

    /** Recorded in the history where the user interrupted a turn. */
    public static final String INTERRUPTED_MARKER = "[interrupted by the user]";

    /** One turn: its number (for injected context), its cancellation, and its Stop-hook guard. */
    private record Turn(int number, Cancellation cancellation, StopGuard guard) {}

    /** What a model call asks the loop to do next. */
    private sealed interface Step {
        /** Run these calls; {@code stopped}: a hook already stopped the turn, so none runs. */
        record RunTools(List<ToolUseBlock> calls, Optional<String> stopped, Map<String, String> malformed)
                implements Step {}

        /** Call the model again: {@code pause_turn}, or a Stop hook asked to keep working. */
        record CallAgain() implements Step {}

        record End(EndReason reason) implements Step {}
    }

    /** The agent's life: turns until the inbox says stop. Runs on the agent's own (virtual) thread. */
    @Override
    public void run(AgentInternals agent) throws InterruptedException {
        HookOutcome started = agent.hooks().run(new HookInput.SessionStart(agent.hooks().context(),
                agent.transcript().isEmpty() ? HookInput.SessionStartSource.STARTUP : HookInput.SessionStartSource.RESUME));
        List<String> startContexts = new ArrayList<>(started.contexts());  // given to the model with the next prompt
        int turns = 0;
        if (agent.recovery().waitingForHuman()) {
            turn(agent, ++turns, Optional.empty(), startContexts);  // raise the same requests; go on when answered
        } else {
            agent.recovery().repair();
        }
        agent.state().set(AgentState.IDLE);
        for (Optional<InputMessage> input = agent.inbox().next(); input.isPresent(); input = agent.inbox().next()) {
            switch (input.get()) {
                case InputMessage.UserInput user -> turn(agent, ++turns, Optional.of(user), startContexts);
                case InputMessage.Continue c -> turn(agent, ++turns, Optional.empty(), startContexts);
                case InputMessage.Compact c -> compact(agent, c.instructions());
                case InputMessage.Shutdown s -> { }  // next() ends the loop instead
            }
            if (!agent.turn().shuttingDown()) {
                agent.state().set(AgentState.IDLE);
            }
        }
    }

    /** One turn, from input to {@code done}. A failure ends the turn, never the agent. */
    private void turn(AgentInternals agent, int number, Optional<InputMessage.UserInput> prompt, List<String> startContexts) {
        Turn turn = new Turn(number, agent.turn().begin(), new StopGuard());
        agent.usage().beginTurn();
        agent.state().set(AgentState.PROCESSING);
        TraceSpan span = agent.tracing().turn();
        EndReason reason = EndReason.ERROR;
        try {
            reason = begin(agent, turn, prompt, startContexts);
            agent.transcript().awaitDurable();
            agent.output().publish(new OutputChunk.Done(reason));
        } catch (RuntimeException e) {
            // A bug or a broken disk: report it, end the turn, and leave a history the next request can use.
            reason = EndReason.ERROR;
            agent.output().publish(new OutputChunk.Error("turn failed: " + AgentInternals.describe(e)));
            try {
                agent.recovery().repair();
            } catch (RuntimeException ignored) {
                // the session itself is failing; resume repairs it later
            }
            agent.output().publish(new OutputChunk.Done(EndReason.ERROR));
        } finally {
            span.endTurn(reason);
            agent.turn().end();
            agent.transcript().release();
        }
    }

    /** A prompt is appended and answered; without one, the turn goes on where the history stops. */
    private EndReason begin(AgentInternals agent, Turn turn, Optional<InputMessage.UserInput> prompt,
                            List<String> startContexts) {
        if (prompt.isPresent()) {
            Optional<Message> accepted = acceptPrompt(agent, prompt.get().content(), startContexts);
            if (accepted.isEmpty()) {
                return EndReason.BLOCKED;
            }
            if (prompt.get().pinned()) {
                agent.compactor().pinNext();
            }
            agent.transcript().prompt(accepted.get());
            return loop(agent, turn);
        }
        List<ToolUseBlock> unanswered = agent.recovery().unansweredCalls();  // a batch a crash cut off
        if (!unanswered.isEmpty()) {
            return runTools(agent, turn, unanswered, Optional.empty(), Map.of(), true).orElseGet(() -> loop(agent, turn));
        }
        return agent.transcript().endsWithUserMessage() ? loop(agent, turn) : EndReason.END_TURN;
    }

    /** The loop: call the model, execute its tool calls, until it stops asking or a limit is reached. */
    private EndReason loop(AgentInternals agent, Turn turn) {
        int max = agent.config().maxIterations();
        for (int iteration = 1; ; iteration++) {
            if (iteration > max) {
                agent.output().publish(new OutputChunk.Status(StatusCode.MAX_ITERATIONS,
                        "stopped after " + max + " model calls in one turn"));
                return EndReason.MAX_ITERATIONS;
            }
            Optional<String> exhausted = agent.usage().exhausted();  // checked before a call, never during a tool
            if (exhausted.isPresent()) {
                agent.output().publish(new OutputChunk.Status(StatusCode.BUDGET_EXCEEDED, exhausted.get()));
                return EndReason.BUDGET_EXCEEDED;
            }
            switch (callModel(agent, turn, iteration)) {
                case Step.End end -> {
                    return end.reason();
                }
                case Step.CallAgain again -> { }
                case Step.RunTools run -> {
                    // Steering input is not folded into the last step the turn may take: it starts the next turn.
                    Optional<EndReason> ended = runTools(agent, turn, run.calls(), run.stopped(), run.malformed(),
                            iteration < max);
                    if (ended.isPresent()) {
                        return ended.get();
                    }
                }
            }
        }
    }

    /** Prepare the request, call the model, append its message, and decide what comes next. */
    private Step callModel(AgentInternals agent, Turn turn, int iteration) {
        agent.compactor().beforeCall(turn.cancellation());  // summarises older history if the request would not fit
        LlmRequest request = agent.requests().createForCall(agent.compactor().context(), () -> new InjectionContext(
                agent.session().id(), agent.config().workingDirectory(), turn.number(), iteration, Instant.now(),
                agent.session().state().get("todos")));
        if (agent.hooks().has(HookEvent.PRE_LLM_CALL)) {
            HookOutcome pre = agent.hooks().run(new HookInput.PreLlmCall(agent.hooks().context(), request, iteration));
            if (pre.denied()) {
                agent.output().publish(new OutputChunk.Error("model call blocked: "
                        + pre.denyReason().orElse("by a hook")));
            }
            if (pre.stopRequested() || pre.denied()) {
                return new Step.End(pre.stopRequested() ? stopped(agent, pre.stopReason().get()) : EndReason.BLOCKED);
            }
            request = pre.updatedRequest().orElse(request);
        }
        LlmResponse response;
        switch (agent.model().call(request, turn.cancellation())) {
            case ModelReply.Interrupted i -> {
                agent.transcript().note(Message.assistant(interruptedContent(i.partialText())));
                agent.output().publish(new OutputChunk.Status(StatusCode.INTERRUPTED,
                        "the user interrupted the model's response"));
                return new Step.End(EndReason.INTERRUPTED);
            }
            case ModelReply.Failed f when f.contextTooLong() && agent.compactor().afterOverflow(turn.cancellation()) -> {
                return new Step.CallAgain();  // the same step, on the compacted history
            }
            case ModelReply.Failed f -> {
                agent.output().publish(new OutputChunk.Error("LLM call failed: " + f.message()));
                return new Step.End(EndReason.ERROR);
            }
            case ModelReply.Answered a -> {
                response = a.response();
                Optional<String> stop = Optional.empty();
                if (agent.hooks().has(HookEvent.POST_LLM_CALL)) {
                    stop = agent.hooks().run(new HookInput.PostLlmCall(agent.hooks().context(), request, response,
                            a.took(), iteration)).stopReason();
                }
                agent.model().reportTruncated(response);
                // A malformed call is answered with an error saying what was wrong, and the turn goes on.
                Map<String, String> malformed = ModelCaller.malformedCallErrors(response);
                Message reply = ModelCaller.withMalformedCalls(ModelCaller.messageOf(response), response);
                if (!reply.content().isEmpty()) {
                    agent.transcript().reply(reply);  // on disk before any of its tools runs
                }
                if (agent.hooks().has(HookEvent.POST_ASSISTANT_RESPONSE)) {
                    Optional<String> after = agent.hooks().run(new HookInput.PostAssistantResponse(
                            agent.hooks().context(), reply, response.stopReason())).stopReason();
                    stop = stop.or(() -> after);
                }
                List<ToolUseBlock> calls = Transcript.toolUsesOf(reply.content());
                if (!calls.isEmpty()) {
                    return new Step.RunTools(calls, stop, malformed);
                }
                if (stop.isPresent()) {
                    return new Step.End(stopped(agent, stop.get()));
                }
            }
        }
        return switch (response.stopReason()) {
            case PAUSE_TURN -> new Step.CallAgain();
            case REFUSAL -> end(agent, EndReason.REFUSAL, StatusCode.REFUSAL, "the model refused to respond");
            case MAX_TOKENS -> end(agent, EndReason.MAX_TOKENS, StatusCode.MAX_TOKENS,
                    "the response was cut off at max_tokens");
            default -> endOrKeepWorking(agent, turn, response);
        };
    }

    /** Runs a batch and appends its results as one user message (with steering input when allowed). */
    private Optional<EndReason> runTools(AgentInternals agent, Turn turn, List<ToolUseBlock> calls,
                                         Optional<String> stopped, Map<String, String> malformed, boolean canSteer) {
        ToolBatch batch = agent.tools().execute(calls, malformed, turn.cancellation(), stopped);
        agent.state().set(AgentState.PROCESSING);
        if (turn.cancellation().isCancelled()) {
            agent.transcript().results(batch, List.of(new TextBlock(INTERRUPTED_MARKER)));
            agent.output().publish(new OutputChunk.Status(StatusCode.INTERRUPTED, "the user interrupted the turn"));
            return Optional.of(EndReason.INTERRUPTED);
        }
        agent.transcript().results(batch, canSteer ? steeringInput(agent) : List.of());
        return batch.stopReason().map(reason -> stopped(agent, reason));
    }

    /** A compaction asked for through the handle, between turns; interrupting the agent cancels it. */
    private static void compact(AgentInternals agent, Optional<String> instructions) {
        agent.state().set(AgentState.PROCESSING);
        try {
            agent.compactor().compact(instructions, agent.turn().begin());
        } catch (RuntimeException e) {
            agent.output().publish(new OutputChunk.Error("compaction failed: " + AgentInternals.describe(e)));
        } finally {
            agent.turn().end();
            agent.transcript().release();
        }
    }

    // ---------------------------------------------------------------- pieces of the turn

    /** Runs UserPromptSubmit hooks; empty if a hook blocked the prompt. */
    private static Optional<Message> acceptPrompt(AgentInternals agent, List<ContentBlock> prompt,
                                                  List<String> startContexts) {
        HookOutcome hooks = agent.hooks().run(new HookInput.UserPromptSubmit(agent.hooks().context(),
                Message.user(prompt).text()));
        if (hooks.denied() || hooks.stopRequested()) {
            String reason = hooks.denyReason().or(hooks::stopReason).orElse("blocked by a hook");
            agent.output().publish(new OutputChunk.Error("prompt blocked: " + reason));
            return Optional.empty();
        }
        List<ContentBlock> content = new ArrayList<>();
        if (hooks.updatedPrompt().isPresent()) {
            content.add(new TextBlock(hooks.updatedPrompt().get()));
            prompt.stream().filter(b -> !(b instanceof TextBlock)).forEach(content::add);
        } else {
            content.addAll(prompt);
        }
        startContexts.forEach(c -> content.add(new TextBlock(ContextInjection.reminder(c))));
        startContexts.clear();
        hooks.contexts().forEach(c -> content.add(new TextBlock(ContextInjection.reminder(c))));
        return Optional.of(Message.user(content));
    }

    /** Stop hooks may ask the agent to keep working; the turn's guard ends endless continue loops. */
    private static Step endOrKeepWorking(AgentInternals agent, Turn turn, LlmResponse response) {
        if (!agent.hooks().has(HookEvent.STOP)) {
            return new Step.End(EndReason.END_TURN);
        }
        HookOutcome hooks = agent.hooks().run(new HookInput.Stop(agent.hooks().context(), response.stopReason(),
                response.text(), turn.guard().active()));
        return switch (turn.guard().evaluate(hooks)) {
            case StopGuard.Action.End end -> new Step.End(EndReason.END_TURN);
            case StopGuard.Action.Continue c -> {
                agent.transcript().note(Message.user(c.instruction()));
                yield new Step.CallAgain();
            }
            case StopGuard.Action.LimitReached limit -> end(agent, EndReason.END_TURN, StatusCode.STOP_HOOK_LIMIT,
                    "Stop hooks asked to continue " + limit.limit() + " times in a row; ending the turn");
        };
    }

    /** User input that arrived during the turn, delivered now when the config steers. */
    private static List<ContentBlock> steeringInput(AgentInternals agent) {
        if (agent.config().inputDelivery() != InputDelivery.STEER) {
            return List.of();
        }
        List<InputMessage.UserInput> taken = agent.inbox().takeSteering();
        if (taken.isEmpty()) {
            return List.of();
        }
        agent.output().publish(new OutputChunk.Status(StatusCode.STEERED, taken.size() + " message(s) sent during "
                + "the turn were delivered with the tool results"));
        return taken.stream().flatMap(input -> input.content().stream()).toList();
    }

    private static EndReason stopped(AgentInternals agent, String reason) {
        agent.output().publish(new OutputChunk.Status(StatusCode.STOPPED, reason));
        return EndReason.STOPPED;
    }

    private static Step.End end(AgentInternals agent, EndReason reason, StatusCode code, String message) {
        agent.output().publish(new OutputChunk.Status(code, message));
        return new Step.End(reason);
    }

    private static List<ContentBlock> interruptedContent(String partialText) {
        List<ContentBlock> content = new ArrayList<>();
        if (!partialText.isBlank()) {
            content.add(new TextBlock(partialText));
        }
        content.add(new TextBlock(INTERRUPTED_MARKER));
        return content;
    }
}
