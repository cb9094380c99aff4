package dev.picrust.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.runtime.AgentState;
import dev.picrust.runtime.OutputChunk;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import dev.picrust.tool.schema.ToolInputValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    private final StandardAgent agent;

    ToolExecutor(StandardAgent agent) {
        this.agent = agent;
    }

    List<ToolResultBlock> execute(List<ToolUseBlock> calls, Cancellation cancellation) {
        List<ToolResultBlock> results = new ArrayList<>(calls.size());
        int i = 0;
        while (i < calls.size()) {
            int end = i + 1;
            if (isConcurrencySafe(calls.get(i))) {
                while (end < calls.size() && isConcurrencySafe(calls.get(end))) {
                    end++;
                }
            }
            List<ToolUseBlock> batch = calls.subList(i, end);
            results.addAll(batch.size() == 1
                    ? List.of(executeOne(batch.getFirst(), cancellation))
                    : executeInParallel(batch, cancellation));
            i = end;
        }
        return results;
    }

    private boolean isConcurrencySafe(ToolUseBlock call) {
        return agent.config().tools().find(call.name()).map(Tool::concurrencySafe).orElse(false);
    }

    private List<ToolResultBlock> executeInParallel(List<ToolUseBlock> batch, Cancellation cancellation) {
        List<ToolResultBlock> results = new ArrayList<>(batch.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ToolResultBlock>> futures = batch.stream()
                    .map(call -> pool.submit(() -> executeOne(call, cancellation)))
                    .toList();
            for (int k = 0; k < futures.size(); k++) {
                results.add(await(futures.get(k), batch.get(k)));
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
    ToolResultBlock executeOne(ToolUseBlock call, Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            return finish(call, ToolResult.error(NOT_STARTED));
        }
        Optional<Tool> found = agent.config().tools().find(call.name());
        if (found.isEmpty()) {
            String available = agent.config().tools().tools().stream().map(Tool::name)
                    .collect(Collectors.joining(", "));
            return finish(call, ToolResult.error("Unknown tool '" + call.name() + "'. Available tools: "
                    + (available.isEmpty() ? "none" : available)));
        }
        Tool tool = found.get();
        ToolGate.Decision decision = agent.config().toolGate().check(tool, call.id(), call.input());
        record(call, decision);
        if (decision instanceof ToolGate.Decision.Deny deny) {
            return finish(call, ToolResult.error(deny.reason()));
        }
        agent.emit(new OutputChunk.ToolStart(call.id(), call.name(), call.input()));
        agent.setState(new AgentState.ExecutingTool(call.name(), call.id()));
        ToolResult result = run(tool, call, cancellation);
        agent.emit(new OutputChunk.ToolEnd(call.id(), call.name(), result.isError(), result.content()));
        return toBlock(call, result);
    }

    private ToolResult run(Tool tool, ToolUseBlock call, Cancellation cancellation) {
        Optional<String> invalid = ToolInputValidation.validate(tool, call.input());
        if (invalid.isPresent()) {
            return ToolResult.error(invalid.get());
        }
        try {
            ToolResult result = tool.execute(call.input(),
                    new AgentToolContext(agent, call.id(), call.name(), cancellation));
            if (result == null) {
                return ToolResult.error("Tool " + tool.name() + " returned no result");
            }
            return capped(result);
        } catch (CancellationException e) {
            return ToolResult.error(INTERRUPTED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolResult.error(INTERRUPTED);
        } catch (ToolException e) {
            return ToolResult.error(e.getMessage());
        } catch (Exception | StackOverflowError | AssertionError | LinkageError e) {
            return ToolResult.error("Tool " + tool.name() + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
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

    private void record(ToolUseBlock call, ToolGate.Decision decision) {
        String verdict = decision instanceof ToolGate.Decision.Allow ? "allow" : "deny";
        String detail = decision instanceof ToolGate.Decision.Deny d ? d.reason() : "";
        agent.emit(new OutputChunk.PermissionDecision(call.id(), call.name(), verdict, decision.source(), detail));
        ObjectNode body = Json.object();
        body.put("tool_use_id", call.id()).put("tool_name", call.name()).put("decision", verdict)
                .put("source", decision.source());
        agent.session().appendRecord("permission_decision", body);
    }

    private ToolResultBlock finish(ToolUseBlock call, ToolResult result) {
        agent.emit(new OutputChunk.ToolEnd(call.id(), call.name(), true, result.content()));
        return toBlock(call, result);
    }

    private static ToolResultBlock toBlock(ToolUseBlock call, ToolResult result) {
        return new ToolResultBlock(call.id(), result.content(), result.isError());
    }
}
