package dev.picrust.runtime;

import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.AgentState;
import dev.picrust.agent.SubagentSpec;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.picrust.Cancellation;
import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.AgentToolContext;
import dev.picrust.agent.InputDelivery;
import dev.picrust.agent.StandardAgent;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookOutcome;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.Usage;
import dev.picrust.permission.PermissionPolicy;
import dev.picrust.runtime.SubagentResult.Outcome;
import dev.picrust.session.SessionMetadata;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Starts subagents: child agents of the agent whose tool is running, in the same runtime, each on
 * its own session linked to the parent's ({@code parent_id} on the child, the child's id in the
 * parent's {@code children}). A run blocks the calling tool until the child finishes, fails, hits
 * a cap, times out or the parent's turn is interrupted, and always returns a
 * {@link SubagentResult}. Meanwhile the child's output reaches the parent's subscribers wrapped in
 * {@link OutputChunk.SubagentOutput} and the parent's state is {@link AgentState.WaitingForSubagent}.
 *
 * <p>The Task tool is built on this; tools of your own can call {@link #run} the same way, several
 * at once from different threads if they like.
 */
public final class Subagents {
    /** How long a stopped child gets to wind down (cancel its tools, record the interruption). */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** Waiting wakes up at least this often to check the deadline. */
    private static final Duration POLL_SLICE = Duration.ofMillis(250);

    private final AgentRuntime runtime;

    Subagents(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    /** Runs a child of the agent calling the tool behind {@code parent}; the spec's name describes it. */
    public SubagentResult run(ToolContext parent, SubagentSpec spec, String prompt) {
        return run(parent, spec, spec.name(), prompt);
    }

    /**
     * Runs a child of the agent calling the tool behind {@code parent}.
     *
     * @param description a short label for the child's session (the Task tool's {@code description})
     * @throws IllegalStateException if {@code parent} does not belong to an agent of this runtime
     */
    public SubagentResult run(ToolContext parent, SubagentSpec spec, String description, String prompt) {
        AgentHandle parentHandle = runtime.find(parent.sessionId())
                .filter(h -> parent instanceof AgentToolContext)
                .orElseThrow(() -> new IllegalStateException("session " + parent.sessionId()
                        + " has no agent in this runtime; subagents start from its tools"));
        AgentToolContext call = (AgentToolContext) parent;
        Instant started = Instant.now();
        String childId = "sub-" + UUID.randomUUID();
        if (parent.cancellation().isCancelled()) {
            return result(childId, spec, Outcome.INTERRUPTED, "", "the parent's turn was interrupted before it started",
                    Usage.ZERO, started);
        }
        HookOutcome starting = call.runHooks(new HookInput.SubagentStart(call.hookContext(), childId, spec.name(), prompt));
        if (starting.denied() || starting.stopRequested()) {
            return result(childId, spec, Outcome.FAILED, "", "blocked by a SubagentStart hook: "
                    + starting.denyReason().or(starting::stopReason).orElse("no reason given"), Usage.ZERO, started);
        }
        AgentConfig config = childConfig(parentHandle.config(), spec, call.permissionCeiling());
        SessionMetadata metadata = SessionMetadata.create(childId, spec.name(), config.model(), config.provider().name())
                .withParent(parent.sessionId())
                .withDescription(description)
                .withCustom("parent_tool_use_id", TextNode.valueOf(parent.toolUseId()));
        Subscription[] output = new Subscription[1];
        AgentHandle child;
        try {
            child = runtime.spawn(config, metadata, AgentRuntime.standardLoop(), handle -> {
                output[0] = handle.subscribe(Integer.MAX_VALUE);  // our own fast reader: it must not lag
                parentHandle.session().updateMetadata(m -> m.withChild(childId));
            });
        } catch (RuntimeException e) {
            return result(childId, spec, Outcome.FAILED, "", "could not start: " + e.getMessage(), Usage.ZERO, started);
        }
        SubagentResult result = supervise(call, spec, child, output[0], prompt, started);
        call.runHooks(new HookInput.SubagentStop(call.hookContext(), childId, spec.name(), result.text(), false));
        return result;
    }

    /**
     * The child's configuration: the parent's, narrowed and overridden by the spec. Its permissions
     * (the spec's, or else the parent's) are bounded by {@code ceiling}, the parent's policy: the
     * parent's deny and ask rules of every tier and its mode hold in the child whatever the spec says.
     */
    static AgentConfig childConfig(AgentConfig parent, SubagentSpec spec, PermissionPolicy.Ceiling ceiling) {
        List<String> tools = parent.tools().tools().stream()
                .map(Tool::name)
                .filter(name -> !name.equals(TaskTool.NAME))  // one level of subagents
                .filter(name -> spec.tools().map(allowed -> allowed.contains(name)).orElse(true))
                .toList();
        // toBuilder() carries everything else of the parent's (working directory, provider, streaming, and
        // whatever policy AgentConfig grows, such as hooks), so children obey the same rules by default.
        return parent.toBuilder()
                .agentType(spec.name())
                .systemPrompt(spec.systemPrompt())
                .tools(parent.tools().subset(tools))
                .model(spec.model().orElse(parent.model()))
                .permissions(spec.permissions().orElse(parent.permissions()).under(ceiling))
                .maxIterations(spec.maxIterations())
                .inputDelivery(InputDelivery.STEER)
                .subagents(List.of())
                .build();
    }

    // ---------------------------------------------------------------- one run

    private record Stop(Outcome outcome, String detail, Instant at) {}

    /** What the child's output told us so far. */
    private static final class Observed {
        Usage usage = Usage.ZERO;
        String lastError = "";
        Optional<EndReason> doneReason = Optional.empty();

        void see(OutputChunk chunk) {
            switch (chunk) {
                case OutputChunk.UsageReport u -> usage = usage.plus(u.usage());
                case OutputChunk.Error e -> lastError = e.message();
                case OutputChunk.Done d -> doneReason = Optional.of(d.reason());
                default -> { }
            }
        }
    }

    private SubagentResult supervise(AgentToolContext parent, SubagentSpec spec, AgentHandle child,
                                     Subscription output, String prompt, Instant started) {
        AtomicReference<Stop> stop = new AtomicReference<>();
        Observed observed = new Observed();
        SubagentWaits waits = parent.agentResource(SubagentWaits.class, SubagentWaits::new);
        waits.started(parent.agentState(), child.sessionId());
        try (Cancellation.Registration r = parent.cancellation().onCancel(
                () -> stop(child, stop, Outcome.INTERRUPTED, "was stopped because the parent's turn was interrupted"))) {
            send(child, prompt);
            Instant deadline = started.plus(spec.timeout());
            while (observed.doneReason.isEmpty()) {
                Stop stopped = stop.get();
                Duration left = Duration.between(Instant.now(),
                        stopped == null ? deadline : stopped.at().plus(STOP_GRACE));
                if (left.isNegative() || left.isZero()) {
                    if (stopped != null) {
                        break;  // it ignores being stopped; do not hold the parent any longer
                    }
                    stop(child, stop, Outcome.TIMED_OUT, "did not finish within " + describe(spec.timeout())
                            + " and was stopped");
                    continue;
                }
                Optional<OutputChunk> next = output.poll(left.compareTo(POLL_SLICE) < 0 ? left : POLL_SLICE);
                if (next.isEmpty()) {
                    if (output.isFinished()) {
                        break;  // the child stopped without finishing its turn (it failed)
                    }
                    continue;
                }
                forward(parent, child, next.get(), observed);
                if (spec.maxOutputTokens().isPresent()
                        && observed.usage.outputTokens() > spec.maxOutputTokens().getAsLong()) {
                    stop(child, stop, Outcome.TOKEN_CAP, "produced " + observed.usage.outputTokens()
                            + " output tokens, more than its cap of " + spec.maxOutputTokens().getAsLong()
                            + ", and was stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(child, stop, Outcome.INTERRUPTED, "was stopped because the waiting thread was interrupted");
        } finally {
            child.shutdown();
            drain(parent, child, output, observed);
            waits.ended(parent.agentState(), child.sessionId(),
                    new AgentState.ExecutingTool(parent.toolName(), parent.toolUseId()));
        }
        return outcome(child, spec, stop.get(), observed, started);
    }

    private static void send(AgentHandle child, String prompt) {
        try {
            child.send(prompt);
        } catch (IllegalStateException e) {
            // stopped before it could take the prompt (the parent was interrupted); the outcome says why
        }
    }

    private static void stop(AgentHandle child, AtomicReference<Stop> stop, Outcome outcome, String detail) {
        if (stop.compareAndSet(null, new Stop(outcome, detail, Instant.now()))) {
            child.shutdown();
        }
    }

    private static void forward(ToolContext parent, AgentHandle child, OutputChunk chunk, Observed observed) {
        observed.see(chunk);
        parent.emit(new OutputChunk.SubagentOutput(child.sessionId(), chunk));
    }

    /** Forwards what the stopping child still says (its final state), for a bounded time. */
    private static void drain(ToolContext parent, AgentHandle child, Subscription output, Observed observed) {
        Instant end = Instant.now().plus(STOP_GRACE);
        try {
            while (!output.isFinished()) {
                Duration left = Duration.between(Instant.now(), end);
                if (left.isNegative() || left.isZero()) {
                    break;
                }
                Optional<OutputChunk> next = output.poll(left);
                if (next.isPresent()) {
                    forward(parent, child, next.get(), observed);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            output.close();
        }
    }

    private static SubagentResult outcome(AgentHandle child, SubagentSpec spec, Stop stop, Observed observed,
                                          Instant started) {
        String text = finalText(child);
        Optional<EndReason> reason = observed.doneReason;
        if (reason.isPresent() && reason.get() == EndReason.END_TURN) {
            // It finished, even if a stop crossed its last moments: the answer is complete.
            return result(child.sessionId(), spec, Outcome.COMPLETED, text, "", observed.usage, started);
        }
        if (stop != null) {
            return result(child.sessionId(), spec, stop.outcome(), text, stop.detail(), observed.usage, started);
        }
        String error = observed.lastError.isEmpty() ? "" : ": " + observed.lastError;
        if (reason.isEmpty()) {
            return result(child.sessionId(), spec, Outcome.FAILED, text, "stopped without finishing" + error,
                    observed.usage, started);
        }
        return switch (reason.get()) {
            case MAX_ITERATIONS -> result(child.sessionId(), spec, Outcome.ITERATION_CAP, text,
                    "stopped after " + spec.maxIterations() + " model call(s), its limit", observed.usage, started);
            case INTERRUPTED -> result(child.sessionId(), spec, Outcome.INTERRUPTED, text, "was interrupted",
                    observed.usage, started);
            case END_TURN, MAX_TOKENS, REFUSAL, STOPPED, BLOCKED, ERROR -> result(child.sessionId(), spec,
                    Outcome.FAILED, text, "ended with '" + reason.get().wireName() + "'" + error, observed.usage, started);
        };
    }

    /** The text of the child's last assistant message, without interruption markers. */
    private static String finalText(AgentHandle child) {
        List<Message> history = child.session().messages();
        for (Message m : history.reversed()) {
            if (m.role() == Role.ASSISTANT) {
                return m.content().stream()
                        .filter(b -> b instanceof TextBlock t && !t.text().equals(StandardAgent.INTERRUPTED_MARKER))
                        .map(b -> ((TextBlock) b).text())
                        .collect(Collectors.joining("\n"));
            }
        }
        return "";
    }

    private static SubagentResult result(String sessionId, SubagentSpec spec, Outcome outcome, String text,
                                         String detail, Usage usage, Instant started) {
        return new SubagentResult(sessionId, spec.name(), outcome, text, detail, usage,
                Duration.between(started, Instant.now()));
    }

    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
