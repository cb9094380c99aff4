package dev.picrust.bench.micro;

import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The conversations of the load run, for micro-benchmarks of the same shapes. */
public final class Conversations {
    private Conversations() {}

    /** A prompt, then {@code steps} rounds of tool call and result: what an agent of the load run holds. */
    public static List<Message> toolLoop(int steps) {
        List<Message> messages = new ArrayList<>();
        messages.add(Message.user("Run the load-test tool loop."));
        for (int i = 0; i < steps; i++) {
            messages.add(Message.assistant(List.of(
                    new ToolUseBlock("toolu_loop_" + i, "echo", Json.object().put("step", i)))));
            messages.add(Message.user(List.of(ToolResultBlock.text("toolu_loop_" + i, "step " + i + " done", false))));
        }
        return messages;
    }

    /** The request an agent of the load run sends after {@code steps} tool rounds. */
    public static LlmRequest toolLoopRequest(int steps) {
        ToolDefinition echo = new ToolDefinition("echo", "Echoes the step number back.", Json.object()
                .put("type", "object")
                .set("properties", Json.object().set("step", Json.object().put("type", "integer"))));
        return new LlmRequest("mock-tool-loop",
                List.of(new TextBlock("You are a load-test agent. Call the echo tool when asked.")),
                toolLoop(steps), List.of(echo), 1024, Optional.empty(), Optional.empty(), Map.of());
    }
}
