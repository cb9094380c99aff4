package dev.picrust.agent;

import dev.picrust.Cancellation;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import dev.picrust.event.StatusCode;
import dev.picrust.event.UsageTotals;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.IncompleteToolUse;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * One model call: streamed (deltas become {@code text_delta} / {@code thinking_delta} chunks, a
 * provider retry a {@code retry} status) or not, then a {@code usage} chunk with the running totals
 * of the agent's {@link UsageLedger}, whose call usage the {@link Transcript} stores. Failures and
 * interruptions come back as values, never as exceptions.
 */
public final class ModelCaller {
    /** How much of a malformed tool input the model is shown back. */
    private static final int INPUT_SHOWN = 80;
    /** Replaced only between turns, by a model switch ({@link #use}). */
    private volatile AgentConfig config;
    private final OutputSink output;
    private final Transcript transcript;
    private final UsageLedger usage;
    private final AgentTracing tracing;
    private final Compactor compactor;

    ModelCaller(AgentConfig config, OutputSink output, Transcript transcript, UsageLedger usage, AgentTracing tracing,
                Compactor compactor) {
        this.config = config;
        this.output = output;
        this.transcript = transcript;
        this.usage = usage;
        this.tracing = tracing;
        this.compactor = compactor;
    }

    /** From the next call on: another provider and model (a model switch). */
    void use(AgentConfig switched) {
        this.config = switched;
    }

    public ModelReply call(LlmRequest request, Cancellation cancellation) {
        TraceSpan chat = tracing.chat(request);
        return chat.endChat(reply(request, cancellation, chat));
    }

    private ModelReply reply(LlmRequest request, Cancellation cancellation, TraceSpan chat) {
        transcript.release();  // no descriptor held while the model thinks
        StringBuilder streamed = new StringBuilder();
        long started = System.nanoTime();
        LlmResponse response;
        try {
            response = config.streaming() ? stream(request, streamed, cancellation) : send(request, cancellation);
        } catch (CancellationException e) {
            return new ModelReply.Interrupted(streamed.toString());
        } catch (LlmException e) {
            chat.failed(e);
            if (cancellation.isCancelled()) {
                // Cancelling may surface as a failed connection rather than a CancellationException.
                return new ModelReply.Interrupted(streamed.toString());
            }
            return new ModelReply.Failed(e.getMessage(), e.kind());
        }
        OutputChunk.UsageReport report = usage.record(request.model(), response.model(), response.usage());
        transcript.used(UsageTotals.ofCall(report.usage(), report.cost()));  // stored on the reply's line
        output.publish(report);
        compactor.reported(response.usage());
        return new ModelReply.Answered(response, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Tool calls cut off before their input was complete: never run, never stored, but reported. */
    public void reportTruncated(LlmResponse response) {
        for (IncompleteToolUse t : response.incompleteToolUses()) {
            if (t.defect() instanceof IncompleteToolUse.Defect.CutOff) {
                output.publish(new OutputChunk.Status(StatusCode.TOOL_CALL_TRUNCATED, "tool call " + t.name() + " ("
                        + t.id() + ") was cut off at the output limit (max_tokens) before its input was complete"
                        + " and was not run"));
            }
        }
    }

    /**
     * What the model is told instead of a result for each of the response's malformed tool calls, by call
     * id. Kept short whatever the input's size: what was wrong, how long the input was, how it began.
     */
    public static Map<String, String> malformedCallErrors(LlmResponse response) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (IncompleteToolUse t : response.incompleteToolUses()) {
            if (t.defect() instanceof IncompleteToolUse.Defect.Malformed malformed) {
                String input = t.partialInputJson();
                String start = input.length() <= INPUT_SHOWN ? input : input.substring(0, INPUT_SHOWN) + "...";
                errors.put(t.id(), "The input of this " + (t.name().isEmpty() ? "tool" : t.name()) + " call was "
                        + malformed.why() + ", so the tool was not run. The input had " + input.length()
                        + " characters and began: " + start + " Send the call again with its input as one complete"
                        + " JSON object.");
            }
        }
        return errors;
    }

    /**
     * {@code reply} with the response's malformed tool calls added as calls with an empty input, so each
     * can be answered with the error of {@link #malformedCallErrors} and the history stays valid.
     */
    public static Message withMalformedCalls(Message reply, LlmResponse response) {
        List<ContentBlock> content = new ArrayList<>(reply.content());
        for (IncompleteToolUse t : response.incompleteToolUses()) {
            if (t.defect() instanceof IncompleteToolUse.Defect.Malformed) {
                content.add(new ToolUseBlock(t.id(), t.name(), Json.object()));
            }
        }
        return content.size() == reply.content().size() ? reply : new Message(reply.role(), content);
    }

    /** The message to store: the API rejects empty text blocks, and models sometimes stream one (a refusal). */
    public static Message messageOf(LlmResponse response) {
        Message message = response.toMessage();
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

    private LlmResponse send(LlmRequest request, Cancellation cancellation) {
        LlmResponse response = config.provider().send(request, cancellation);
        for (ContentBlock block : response.content()) {
            if (block instanceof TextBlock text) {
                output.publish(new OutputChunk.TextDelta(text.text()));
            }
        }
        return response;
    }

    private LlmResponse stream(LlmRequest request, StringBuilder streamed, Cancellation cancellation) {
        return config.provider().stream(request, event -> {
            switch (event) {
                case StreamEvent.TextDelta d -> {
                    streamed.append(d.text());
                    output.publish(new OutputChunk.TextDelta(d.text()));
                }
                case StreamEvent.ThinkingDelta d -> output.publish(new OutputChunk.ThinkingDelta(d.text()));
                case StreamEvent.ToolUseStarted t -> { }
                case StreamEvent.Retrying r -> {
                    streamed.setLength(0);  // the partial output of a failed attempt is discarded
                    output.publish(new OutputChunk.Status(StatusCode.RETRY, "attempt " + r.attempt() + " failed ("
                            + r.reason() + "); retrying in " + r.delay().toMillis() + " ms; discard partial output"));
                }
            }
        }, cancellation);
    }
}
