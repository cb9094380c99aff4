package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.agent.context.ContextInjection;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookOutcome;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.event.AgentState;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.ToolResult;
import dev.picrust.tool.schema.ToolInputValidation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs the tool calls of one assistant message and returns exactly one result per call, in call
 * order. Consecutive calls of concurrency-safe tools run in parallel on virtual threads; the rest run
 * one at a time. No failure escapes: unknown tools, denials, bad input, exceptions and interruptions
 * all become error results, so the next request is always valid.
 */
public final class ToolExecutor {
    static final int MAX_RESULT_CHARS = 200_000;
    static final String INTERRUPTED = "interrupted: the user stopped this turn before the tool finished";
    static final String NOT_STARTED = "interrupted: the user stopped this turn before the tool started";

    private final ToolRegistry tools;
    private final ToolCallGate gate;
    private final HookRunner hooks;
    private final OutputSink output;
    private final CurrentState state;
    private final ToolServices services;
    private final AgentTracing tracing;
    private final Transcript transcript;

    ToolExecutor(ToolRegistry tools, ToolCallGate gate, HookRunner hooks, OutputSink output, CurrentState state,
                 ToolServices services, AgentTracing tracing, Transcript transcript) {
        this.transcript = transcript;
        this.tools = tools;
        this.gate = gate;
        this.hooks = hooks;
        this.output = output;
        this.state = state;
        this.services = services;
        this.tracing = tracing;
    }

    /**
     * Runs one batch. {@code stopped}: a hook already stopped the turn, so no call runs and each gets
     * a "Not run" result. A stop a hook asks for during the batch refuses the calls not yet started.
     */
    public ToolBatch execute(List<ToolUseBlock> calls, Cancellation cancellation, Optional<String> stopped) {
        return execute(calls, Map.of(), cancellation, stopped);
    }

    /**
     * As {@link #execute(List, Cancellation, Optional)}; the calls named in {@code malformed} (by id) had
     * input the model did not send as a JSON object: they are not run, their result is that error.
     */
    public ToolBatch execute(List<ToolUseBlock> calls, Map<String, String> malformed, Cancellation cancellation,
                             Optional<String> stopped) {
        BatchProgress progress = BatchProgress.load(services.sessionState());
        if (progress.isSaved()) {
            progress.include(transcript.recordedEffects(calls));  // a batch a crash cut off: what its calls did
        }
        Batch batch = new Batch(progress, cancellation, stopped, malformed);
        List<ToolResultBlock> results = new ArrayList<>(calls.size());
        int i = 0;
        while (i < calls.size()) {
            int end = i + 1;
            if (isConcurrencySafe(calls.get(i))) {
                while (end < calls.size() && isConcurrencySafe(calls.get(end))) {
                    end++;
                }
            }
            List<ToolUseBlock> group = calls.subList(i, end);
            results.addAll(group.size() == 1
                    ? List.of(executeOne(group.getFirst(), batch))
                    : executeInParallel(group, batch));
            i = end;
        }
        return new ToolBatch(calls, results, batch.stopReason(), batch.progress);
    }

    /**
     * What the calls of one batch share: its saved progress, the turn's cancellation, and the first
     * stop a hook asked for (calls that have not started by then are not run).
     */
    static final class Batch {
        final BatchProgress progress;
        final Cancellation cancellation;
        private final AtomicReference<String> stop;
        /** Calls whose input was malformed, by id: the error each gets instead of running. */
        final Map<String, String> malformed;

        Batch(BatchProgress progress, Cancellation cancellation, Optional<String> stopped, Map<String, String> malformed) {
            this.progress = progress;
            this.cancellation = cancellation;
            this.stop = new AtomicReference<>(stopped.orElse(null));
            this.malformed = Map.copyOf(malformed);
        }

        /** Keeps the outcome's stop, if any (the first reason wins), and returns the outcome. */
        HookOutcome stopIfAsked(HookOutcome outcome) {
            outcome.stopReason().ifPresent(reason -> stop.compareAndSet(null, reason));
            return outcome;
        }

        Optional<String> stopReason() {
            return Optional.ofNullable(stop.get());
        }
    }

    private boolean isConcurrencySafe(ToolUseBlock call) {
        return tools.find(call.name()).map(Tool::concurrencySafe).orElse(false);
    }

    private List<ToolResultBlock> executeInParallel(List<ToolUseBlock> group, Batch batch) {
        List<ToolResultBlock> results = new ArrayList<>(group.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ToolResultBlock>> futures = group.stream()
                    .map(call -> pool.submit(() -> executeOne(call, batch)))
                    .toList();
            for (int k = 0; k < futures.size(); k++) {
                results.add(await(futures.get(k), group.get(k)));
            }
        }
        return results;
    }

    private static ToolResultBlock await(Future<ToolResultBlock> future, ToolUseBlock call) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            return ToolResultBlock.text(call.id(), "Tool " + call.name() + " failed: " + e.getCause(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolResultBlock.text(call.id(), INTERRUPTED, true);
        }
    }

    /** One call, from lookup to result. Never throws. */
    private ToolResultBlock executeOne(ToolUseBlock call, Batch batch) {
        BatchProgress progress = batch.progress;
        Optional<ToolResultBlock> recovered = progress.finishedResult(call.id());
        if (recovered.isPresent()) {
            return recovered.get();  // finished before a crash: never run a tool twice
        }
        if (progress.wasRunningAtCrash(call.id())) {
            return finish(call, ToolResult.error(transcript.fateOf(call, true).message()), progress);
        }
        String malformed = batch.malformed.get(call.id());
        if (malformed != null) {
            return finish(call, ToolResult.error(malformed), progress);
        }
        if (batch.cancellation.isCancelled()) {
            return finish(call, ToolResult.error(NOT_STARTED), progress);
        }
        Optional<String> stop = batch.stopReason();
        if (stop.isPresent()) {
            return finish(call, ToolResult.error(notRunAfterStop(stop.get())), progress);
        }
        Optional<Tool> found = tools.find(call.name());
        if (found.isEmpty()) {
            String available = tools.tools().stream().map(Tool::name).collect(Collectors.joining(", "));
            return finish(call, ToolResult.error("Unknown tool '" + call.name() + "'. Available tools: "
                    + (available.isEmpty() ? "none" : available)), progress);
        }
        Tool tool = found.get();
        ToolCallGate.Clearance clearance;
        try {
            clearance = gate.check(tool, call, batch.cancellation, progress);
        } catch (CancellationException e) {
            return finish(call, ToolResult.error(NOT_STARTED), progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(call, ToolResult.error(NOT_STARTED), progress);
        }
        ToolCallGate.Clearance.Run run;
        switch (clearance) {
            case ToolCallGate.Clearance.Refuse refuse -> {
                return finish(call, ToolResult.error(refuse.reason()), progress);
            }
            case ToolCallGate.Clearance.Stop stopped -> {
                batch.stop.compareAndSet(null, stopped.reason());
                return finish(call, ToolResult.error(notRunAfterStop(stopped.reason())), progress);
            }
            case ToolCallGate.Clearance.Run r -> run = r;
        }
        JsonNode input = run.input();
        Optional<String> invalid = ToolInputValidation.validate(tool, input);
        if (invalid.isPresent()) {
            return finish(call, ToolResult.error(invalid.get()), progress);
        }

        boolean effects = !tool.readOnly();
        if (effects) {
            transcript.started(call);  // durable before it runs: resume never repeats it blindly
        }
        output.publish(new OutputChunk.ToolStart(call.id(), call.name(), input));
        state.set(new AgentState.ExecutingTool(call.name(), call.id()));
        progress.started(call.id());
        long start = System.nanoTime();
        TraceSpan span = tracing.tool(call, input);
        Outcome outcome = run(tool, call.id(), input, batch);
        span.endTool(outcome.result(), outcome.failure());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (effects) {
            transcript.finished(toBlock(call, outcome.result()));  // durable now, not when the batch ends
        }
        List<String> contexts = new ArrayList<>(run.contexts());
        contexts.addAll(batch.stopIfAsked(afterHooks(call, input, outcome, took)).contexts());
        ToolResult result = withContexts(outcome.result(), contexts);
        output.publish(new OutputChunk.ToolEnd(call.id(), call.name(), result.isError(), result.content()));
        ToolResultBlock block = toBlock(call, result);
        progress.finished(block);
        return block;
    }

    static String notRunAfterStop(String reason) {
        return "Not run: a hook stopped the agent" + (reason.isBlank() ? "." : " (" + reason + ").");
    }

    /** A tool's result, and how it failed if it did not return normally. */
    private record Outcome(ToolResult result, Optional<HookInput.ToolErrorKind> failure, String error) {}

    private Outcome run(Tool tool, String toolUseId, JsonNode input, Batch batch) {
        try {
            ToolResult result = tool.execute(input, new AgentToolContext(services, batch, toolUseId, tool.name()));
            if (result == null) {
                return threw("Tool " + tool.name() + " returned no result");
            }
            return new Outcome(capped(result), Optional.empty(), "");
        } catch (CancellationException e) {
            return new Outcome(ToolResult.error(INTERRUPTED), Optional.of(HookInput.ToolErrorKind.KILLED), INTERRUPTED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(ToolResult.error(INTERRUPTED), Optional.of(HookInput.ToolErrorKind.KILLED), INTERRUPTED);
        } catch (ToolException e) {
            return new Outcome(ToolResult.error(e.getMessage()), Optional.empty(), "");
        } catch (Exception | StackOverflowError | AssertionError | LinkageError e) {
            return threw("Tool " + tool.name() + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static Outcome threw(String message) {
        return new Outcome(ToolResult.error(message), Optional.of(HookInput.ToolErrorKind.THREW), message);
    }

    private HookOutcome afterHooks(ToolUseBlock call, JsonNode input, Outcome outcome, Duration took) {
        HookEvent event = outcome.failure().isPresent() ? HookEvent.TOOL_ERROR
                : outcome.result().isError() ? HookEvent.POST_TOOL_USE_FAILURE : HookEvent.POST_TOOL_USE;
        if (!hooks.has(event)) {
            return HookOutcome.none(event);  // their inputs copy the tool input: build them only when needed
        }
        var ctx = hooks.context();
        HookInput hookInput = outcome.failure().isPresent()
                ? new HookInput.ToolError(ctx, call.name(), input, call.id(), outcome.failure().get(), outcome.error(), took)
                : outcome.result().isError()
                        ? new HookInput.PostToolUseFailure(ctx, call.name(), input, call.id(), outcome.result(), took)
                        : new HookInput.PostToolUse(ctx, call.name(), input, call.id(), outcome.result(), took);
        return hooks.run(hookInput);  // a stop it asks for ends the turn after this batch
    }

    private static ToolResult withContexts(ToolResult result, List<String> contexts) {
        if (contexts.isEmpty()) {
            return result;
        }
        List<ContentBlock> content = new ArrayList<>(result.content());
        contexts.forEach(c -> content.add(new TextBlock(ContextInjection.reminder(c))));
        return new ToolResult(content, result.isError());
    }

    /** A last line of defence against tools that return more text than any context window holds. */
    private static ToolResult capped(ToolResult result) {
        boolean tooLong = result.content().stream()
                .anyMatch(b -> b instanceof TextBlock t && t.text().length() > MAX_RESULT_CHARS);
        if (!tooLong) {
            return result;
        }
        List<ContentBlock> blocks = result.content().stream().map(b -> {
            if (b instanceof TextBlock t && t.text().length() > MAX_RESULT_CHARS) {
                int cut = t.text().length() - MAX_RESULT_CHARS;
                int end = MAX_RESULT_CHARS;
                if (Character.isHighSurrogate(t.text().charAt(end - 1))) {
                    end--;
                }
                return (ContentBlock) new TextBlock(t.text().substring(0, end)
                        + "\n[output truncated: " + cut + " more characters]");
            }
            return b;
        }).toList();
        return new ToolResult(blocks, result.isError());
    }

    private ToolResultBlock finish(ToolUseBlock call, ToolResult result, BatchProgress progress) {
        output.publish(new OutputChunk.ToolEnd(call.id(), call.name(), true, result.content()));
        ToolResultBlock block = toBlock(call, result);
        progress.finished(block);
        return block;
    }

    private static ToolResultBlock toBlock(ToolUseBlock call, ToolResult result) {
        return new ToolResultBlock(call.id(), result.content(), result.isError());
    }
}
