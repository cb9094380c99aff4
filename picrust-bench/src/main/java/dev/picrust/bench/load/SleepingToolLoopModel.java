package dev.picrust.bench.load;

import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * The in-process stand-in for the mock server: waits the latency, then answers like
 * {@code ToolLoopResponder} (K tool calls, then text) with the step read from the request. Used by
 * {@code --in-process} to measure the loop and the session store without HTTP.
 */
final class SleepingToolLoopModel implements LlmProvider {
    private static final Usage USAGE = new Usage(100, 20, 0, 0);

    private final int steps;
    private final Duration latency;
    private final String toolName;

    SleepingToolLoopModel(int steps, Duration latency, String toolName) {
        this.steps = steps;
        this.latency = latency;
        this.toolName = toolName;
    }

    @Override
    public String name() {
        return "in-process";
    }

    @Override
    public String defaultModel() {
        return "mock-tool-loop";
    }

    @Override
    public LlmResponse send(LlmRequest request, Cancellation cancellation) {
        return stream(request, StreamListener.NONE, cancellation);
    }

    @Override
    public LlmResponse stream(LlmRequest request, StreamListener listener, Cancellation cancellation) {
        try {
            Thread.sleep(latency);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
        if (cancellation.isCancelled()) {
            throw new CancellationException("cancelled");
        }
        int step = stepOf(request.messages());
        if (step < steps) {
            return new LlmResponse("msg_loop_" + step, defaultModel(),
                    List.of(new ToolUseBlock("toolu_loop_" + step, toolName, Json.object().put("step", step))),
                    StopReason.TOOL_USE, USAGE);
        }
        String text = "Done after " + steps + " tool calls.";
        listener.onEvent(new StreamEvent.TextDelta(0, text));
        return new LlmResponse("msg_loop_done", defaultModel(), List.of(new TextBlock(text)), StopReason.END_TURN,
                USAGE);
    }

    /** Assistant messages since the last user message that is a prompt rather than tool results. */
    private static int stepOf(List<Message> messages) {
        int assistants = 0;
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.role() == Role.ASSISTANT) {
                assistants++;
            } else if (m.content().stream().noneMatch(b -> b instanceof ToolResultBlock)) {
                break;
            }
        }
        return assistants;
    }
}
