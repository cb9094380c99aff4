package dev.picrust.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-process {@link LlmProvider} that answers from a script, for tests of everything above the
 * wire: the loop, tools, hooks, the runtime. Replies are consumed in order, one per call, from any
 * thread. Every request is recorded. A call with no reply left fails with an {@link LlmException}
 * naming the call, rather than hanging.
 *
 * <pre>{@code
 * var model = new ScriptedModel()
 *         .replyToolUse("read_file", Json.object().put("path", "a.txt"))
 *         .replyText("The file says hello.");
 * }</pre>
 *
 * <p>{@link #hold(Gate)} and {@link #holdMidStream(Gate)} make the next reply wait so a test can
 * act while a call is in flight (interrupt, cancel, send input). A cancelled call throws
 * {@link CancellationException}, also while it waits at a gate.
 */
public final class ScriptedModel implements LlmProvider {
    /** Token counts of generated replies unless {@link #usage(Usage)} says otherwise. */
    public static final Usage DEFAULT_USAGE = new Usage(100, 20, 0, 0);

    private static final int TEXT_PIECES = 3;

    private record Step(Function<LlmRequest, LlmResponse> answer, Optional<Gate> holdBefore,
                        Optional<Gate> holdMidStream) {}

    private final String modelName;
    private final ConcurrentLinkedQueue<Step> script = new ConcurrentLinkedQueue<>();
    private final List<LlmRequest> requests = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Usage usage = DEFAULT_USAGE;
    private volatile boolean recordRequests = true;
    private volatile Optional<Function<LlmRequest, LlmResponse>> whenExhausted = Optional.empty();
    private Optional<Gate> pendingHold = Optional.empty();
    private Optional<Gate> pendingMidStreamHold = Optional.empty();

    public ScriptedModel() {
        this("scripted-model");
    }

    /** A model that reports {@code modelName} as its default model. */
    public ScriptedModel(String modelName) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
    }

    /** A tool call with a fresh {@code toolu_…} id, for {@link #replyToolUses}. */
    public static ToolUseBlock toolUse(String name, JsonNode input) {
        return new ToolUseBlock(GeneratedIds.toolUseId(), name, input);
    }

    // ---- script

    /** Token counts reported by replies built from text or tool calls (not by {@link #reply}). */
    public ScriptedModel usage(Usage newUsage) {
        this.usage = Objects.requireNonNull(newUsage, "usage");
        return this;
    }

    /** Answers the next call with exactly this response. */
    public ScriptedModel reply(LlmResponse response) {
        Objects.requireNonNull(response, "response");
        return add(request -> response);
    }

    /** Answers the next call with one text block and {@code end_turn}. */
    public ScriptedModel replyText(String text) {
        Objects.requireNonNull(text, "text");
        return replyContent(StopReason.END_TURN, List.of(new TextBlock(text)));
    }

    /** Answers the next call with one tool call (fresh id) and {@code tool_use}. */
    public ScriptedModel replyToolUse(String toolName, JsonNode input) {
        return replyToolUses(List.of(toolUse(toolName, input)));
    }

    /** Answers the next call with several tool calls in one message; see {@link #toolUse}. */
    public ScriptedModel replyToolUses(List<ToolUseBlock> toolUses) {
        if (toolUses.isEmpty()) {
            throw new IllegalArgumentException("a tool_use reply needs at least one tool call");
        }
        return replyContent(StopReason.TOOL_USE, List.copyOf(toolUses));
    }

    /** Answers the next call with these blocks (text, thinking, tool calls, ...) and stop reason. */
    public ScriptedModel replyContent(StopReason stopReason, List<ContentBlock> content) {
        List<ContentBlock> blocks = List.copyOf(content);
        return add(request -> new LlmResponse(GeneratedIds.messageId(), modelOf(request), blocks, stopReason, usage));
    }

    /** Answers the next call with whatever {@code answer} computes from the request. */
    public ScriptedModel replyWith(Function<LlmRequest, LlmResponse> answer) {
        return add(Objects.requireNonNull(answer, "answer"));
    }

    /** Fails the next call with {@code failure}. */
    public ScriptedModel fail(LlmException failure) {
        Objects.requireNonNull(failure, "failure");
        return add(request -> {
            throw failure;
        });
    }

    /**
     * The next reply added waits at {@code gate} before it produces anything; the call's request
     * is already recorded while it waits.
     */
    public synchronized ScriptedModel hold(Gate gate) {
        pendingHold = Optional.of(gate);
        return this;
    }

    /**
     * The next reply added, when streamed, waits at {@code gate} right after its first event (for
     * {@link #send}, or a reply with nothing to stream, just before returning).
     */
    public synchronized ScriptedModel holdMidStream(Gate gate) {
        pendingMidStreamHold = Optional.of(gate);
        return this;
    }

    /**
     * Answers every call that finds the script empty with {@code answer}, for long runs (load
     * tests) where scripting each reply is impractical.
     */
    public ScriptedModel whenExhausted(Function<LlmRequest, LlmResponse> answer) {
        this.whenExhausted = Optional.of(answer);
        return this;
    }

    /** Stops (or resumes) keeping requests, so a long run does not grow without bound. */
    public ScriptedModel recordRequests(boolean record) {
        this.recordRequests = record;
        return this;
    }

    private synchronized ScriptedModel add(Function<LlmRequest, LlmResponse> answer) {
        script.add(new Step(answer, pendingHold, pendingMidStreamHold));
        pendingHold = Optional.empty();
        pendingMidStreamHold = Optional.empty();
        return this;
    }

    // ---- observations

    /** Every request received so far, in arrival order. */
    public List<LlmRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public Optional<LlmRequest> lastRequest() {
        synchronized (requests) {
            return requests.isEmpty() ? Optional.empty() : Optional.of(requests.getLast());
        }
    }

    /** Calls made so far, recorded or not. */
    public int callCount() {
        return calls.get();
    }

    /** Scripted replies not yet consumed. */
    public int remainingReplies() {
        return script.size();
    }

    // ---- LlmProvider

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public String defaultModel() {
        return modelName;
    }

    @Override
    public LlmResponse send(LlmRequest request, Cancellation cancellation) {
        Step step = begin(request, cancellation);
        LlmResponse response = step.answer().apply(request);
        step.holdMidStream().ifPresent(gate -> waitAt(gate, cancellation));
        cancellation.throwIfCancelled();
        return response;
    }

    @Override
    public LlmResponse stream(LlmRequest request, StreamListener listener, Cancellation cancellation) {
        Step step = begin(request, cancellation);
        LlmResponse response = step.answer().apply(request);
        Optional<Gate> midStream = step.holdMidStream();
        int index = 0;
        for (ContentBlock block : response.content()) {
            for (StreamEvent event : eventsOf(index++, block)) {
                cancellation.throwIfCancelled();
                listener.onEvent(event);
                if (midStream.isPresent()) {
                    waitAt(midStream.get(), cancellation);
                    midStream = Optional.empty();
                }
            }
        }
        midStream.ifPresent(gate -> waitAt(gate, cancellation));
        cancellation.throwIfCancelled();
        return response;
    }

    private Step begin(LlmRequest request, Cancellation cancellation) {
        int call = calls.incrementAndGet();
        if (recordRequests) {
            synchronized (requests) {
                requests.add(request);
            }
        }
        cancellation.throwIfCancelled();
        Step step = script.poll();
        if (step == null) {
            Function<LlmRequest, LlmResponse> fallback = whenExhausted.orElseThrow(() -> new LlmException(
                    LlmException.Kind.CONFIGURATION,
                    "ScriptedModel has no reply left for call #" + call + " (" + (call - 1)
                            + " calls answered before); script more replies or set whenExhausted(...)"));
            return new Step(fallback, Optional.empty(), Optional.empty());
        }
        step.holdBefore().ifPresent(gate -> waitAt(gate, cancellation));
        return step;
    }

    private static List<StreamEvent> eventsOf(int index, ContentBlock block) {
        return switch (block) {
            case TextBlock text -> TextPieces.split(text.text(), TEXT_PIECES).stream()
                    .<StreamEvent>map(piece -> new StreamEvent.TextDelta(index, piece)).toList();
            case ThinkingBlock thinking -> TextPieces.split(thinking.thinking(), TEXT_PIECES).stream()
                    .<StreamEvent>map(piece -> new StreamEvent.ThinkingDelta(index, piece)).toList();
            case ToolUseBlock toolUse -> List.of(new StreamEvent.ToolUseStarted(index, toolUse.id(), toolUse.name()));
            default -> List.of();
        };
    }

    /** Blocks until the gate opens; a cancel (or interrupt) while waiting ends the call. */
    private static void waitAt(Gate gate, Cancellation cancellation) {
        cancellation.throwIfCancelled();
        CompletableFuture<Void> opened = gate.arrive();
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        try (Cancellation.Registration registration = cancellation.onCancel(() -> cancelled.complete(null))) {
            CompletableFuture.anyOf(opened, cancelled).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while held at a gate");
        } catch (ExecutionException e) {
            throw new IllegalStateException("gate future failed", e);
        }
        cancellation.throwIfCancelled();
    }

    private String modelOf(LlmRequest request) {
        return request.model().isEmpty() ? modelName : request.model();
    }
}
