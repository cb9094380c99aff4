package dev.picrust.runtime;

import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Budget;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.UsageTotals;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.Usage;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One agent in one call: {@code Agent.builder(provider).tools(...).build().run("task").text()}. Each
 * {@link #run} is one turn on the same durable session; permission requests go to the {@link Approver}
 * given to the builder (without one, calls no rule allows are refused, as in a headless run). For many
 * agents, streaming output or answering from another thread, use {@link AgentRuntime} directly.
 */
public final class Agent implements AutoCloseable {

    /** Decides a permission request while {@link #run} waits; called on the caller's thread. */
    @FunctionalInterface
    public interface Approver {
        PermissionAnswer decide(OutputChunk.PermissionRequest request);
    }

    /**
     * What a turn produced: the assistant's text, why it ended, the tokens it used and their cost in
     * dollars (subagents included; the cost is empty when a model has no price), and its session.
     */
    public record Result(String text, EndReason endReason, Usage usage, OptionalDouble cost, String sessionId,
                         Optional<String> error) {
        public Result {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(endReason, "endReason");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(cost, "cost");
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(error, "error");
        }

        /** True when the model finished its answer (not cut off, interrupted, refused or failed). */
        public boolean completed() {
            return endReason == EndReason.END_TURN;
        }
    }

    private final AgentRuntime runtime;
    private final AgentHandle handle;
    private final Optional<Approver> approver;

    private Agent(AgentRuntime runtime, AgentHandle handle, Optional<Approver> approver) {
        this.runtime = runtime;
        this.handle = handle;
        this.approver = approver;
    }

    public static Builder builder(LlmProvider provider) {
        return new Builder(provider);
    }

    /** Runs one turn and returns when it is done. The loop's failures come back in the result, not as exceptions. */
    public Result run(String prompt) throws InterruptedException {
        Subscription output = handle.subscribe(Integer.MAX_VALUE);
        try {
            UsageTotals before = handle.usage().tree();
            handle.send(prompt);
            StringBuilder text = new StringBuilder();
            Optional<String> error = Optional.empty();
            for (Optional<OutputChunk> next = output.next(); next.isPresent(); next = output.next()) {
                switch (next.get()) {
                    case OutputChunk.TextDelta delta -> text.append(delta.text());
                    case OutputChunk.Status s when s.code() == dev.picrust.event.StatusCode.RETRY -> text.setLength(0);
                    case OutputChunk.Error e -> error = Optional.of(e.message());
                    case OutputChunk.PermissionRequest request -> handle.answerPermission(request.requestId(),
                            approver.map(a -> a.decide(request)).orElseGet(() -> PermissionAnswer.deny(
                                    "no approver was given to this Agent")));
                    case OutputChunk.Question question -> handle.answer(question.requestId(), Map.of());
                    case OutputChunk.Done done -> {
                        UsageTotals used = handle.usage().tree().minus(before);
                        return new Result(text.toString(), done.reason(), used.usage(), used.cost(), handle.sessionId(),
                                error);
                    }
                    default -> { }
                }
            }
            UsageTotals used = handle.usage().tree().minus(before);
            return new Result(text.toString(), EndReason.ERROR, used.usage(), used.cost(), handle.sessionId(),
                    Optional.of(error.orElse("the agent stopped before the turn ended")));
        } finally {
            output.close();
        }
    }

    public String sessionId() {
        return handle.sessionId();
    }

    /** The handle of the running agent, for anything beyond one call per turn. */
    public AgentHandle handle() {
        return handle;
    }

    /** Stops the agent and the runtime it owns; the session stays on disk and can be resumed. */
    @Override
    public void close() throws InterruptedException {
        handle.shutdown();
        try {
            handle.awaitTermination(Duration.ofSeconds(30));
        } catch (TimeoutException e) {
            // a tool that ignores cancellation; the runtime's close waits for it too, bounded
        }
        runtime.close();
    }

    public static final class Builder {
        private final AgentConfig.Builder config;
        private final ToolRegistry tools = new ToolRegistry();
        private SessionStore store = SessionStore.atDefaultLocation();
        private Optional<Approver> approver = Optional.empty();
        private Optional<String> resume = Optional.empty();

        private Builder(LlmProvider provider) {
            this.config = AgentConfig.builder(provider);
        }

        public Builder tools(Tool... more) {
            tools.registerAll(List.of(more));
            return this;
        }

        public Builder tools(List<? extends Tool> more) {
            tools.registerAll(List.copyOf(more));
            return this;
        }

        public Builder systemPrompt(String prompt) {
            config.systemPrompt(prompt);
            return this;
        }

        public Builder model(String model) {
            config.model(model);
            return this;
        }

        /** Asked for each call that needs a human's permission; without it such calls are refused. */
        public Builder approver(Approver decide) {
            this.approver = Optional.of(decide);
            return this;
        }

        /** Where the session is kept (default: {@link SessionStore#atDefaultLocation()}). */
        public Builder sessionStore(SessionStore sessions) {
            this.store = sessions;
            return this;
        }

        /** Continue this stored session instead of starting a new one. */
        public Builder resume(String sessionId) {
            this.resume = Optional.of(sessionId);
            return this;
        }

        /** Limits on tokens, cost and model calls (see {@link Budget}); the run ends with {@code budget_exceeded} at one. */
        public Builder budget(Budget limits) {
            config.budget(limits);
            return this;
        }

        /** Anything else {@link AgentConfig} offers: permissions, hooks, working directory, limits, ... */
        public Builder configure(Consumer<AgentConfig.Builder> change) {
            change.accept(config);
            return this;
        }

        public Agent build() {
            config.tools(tools).interactive(approver.isPresent());
            AgentConfig built = config.build();
            AgentRuntime runtime = new AgentRuntime(store);
            try {
                AgentHandle handle = resume.isPresent() ? runtime.resume(built, resume.get()) : runtime.spawn(built);
                return new Agent(runtime, handle, approver);
            } catch (RuntimeException e) {
                try {
                    runtime.close();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                throw e;
            }
        }
    }
}
