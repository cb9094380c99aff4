package dev.picrust.runtime;

import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A provider for runtime tests. Calls are answered by scripted steps, taken in order from the script
 * of the request's system prompt (subagents have their own prompts) or else from the main script.
 * A step sees the request, the stream listener and the cancellation, so it can stream deltas, block
 * until cancelled, or throw.
 */
final class ScriptedProvider implements LlmProvider {

    @FunctionalInterface
    interface Step {
        LlmResponse answer(LlmRequest request, StreamListener listener, Cancellation cancellation) throws Exception;
    }

    static final class Script {
        final BlockingQueue<Step> steps = new LinkedBlockingQueue<>();
        final List<LlmRequest> requests = new CopyOnWriteArrayList<>();

        Script then(Step step) {
            steps.add(step);
            return this;
        }

        Script thenText(String text) {
            return then((r, l, c) -> text(text));
        }
    }

    private final Script main = new Script();
    private final Map<String, Script> bySystemPrompt = new ConcurrentHashMap<>();

    ScriptedProvider then(Step step) {
        main.then(step);
        return this;
    }

    ScriptedProvider thenText(String text) {
        main.thenText(text);
        return this;
    }

    /** The script for requests whose system prompt is exactly {@code prompt}. */
    Script forSystemPrompt(String prompt) {
        return bySystemPrompt.computeIfAbsent(prompt, p -> new Script());
    }

    List<LlmRequest> requests() {
        return main.requests;
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public String defaultModel() {
        return "scripted-model";
    }

    @Override
    public LlmResponse send(LlmRequest request, Cancellation cancellation) {
        return stream(request, StreamListener.NONE, cancellation);
    }

    @Override
    public LlmResponse stream(LlmRequest request, StreamListener listener, Cancellation cancellation) {
        String system = request.system().stream().map(TextBlock::text).reduce("", String::concat);
        Script script = bySystemPrompt.getOrDefault(system, main);
        script.requests.add(request);
        Step step = script.steps.poll();
        if (step == null) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "no scripted response left");
        }
        LlmResponse response;
        try {
            response = step.answer(request, listener, cancellation);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (ContentBlock b : response.content()) {
            if (b instanceof TextBlock t) {
                listener.onEvent(new StreamEvent.TextDelta(0, t.text()));
            }
        }
        return response;
    }

    // ---------------------------------------------------------------- building responses

    static LlmResponse text(String text) {
        return new LlmResponse("msg", "m", List.of(new TextBlock(text)), StopReason.END_TURN, new Usage(10, 5, 0, 0));
    }

    static LlmResponse toolCalls(ToolUseBlock... calls) {
        return toolCalls(5, calls);
    }

    static LlmResponse toolCalls(long outputTokens, ToolUseBlock... calls) {
        return new LlmResponse("msg", "m", List.of(calls), StopReason.TOOL_USE, new Usage(10, outputTokens, 0, 0));
    }

    static ToolUseBlock call(String id, String name, String inputJson) {
        try {
            return new ToolUseBlock(id, name, Json.parse(inputJson));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
