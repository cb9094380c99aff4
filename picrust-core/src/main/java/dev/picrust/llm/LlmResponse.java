package dev.picrust.llm;

import java.util.List;
import java.util.Objects;

/**
 * A complete model response. {@code content} holds only complete blocks;
 * {@code incompleteToolUses} lists tool calls cut off mid-input.
 */
public record LlmResponse(String id, String model, List<ContentBlock> content, StopReason stopReason,
                          Usage usage, List<IncompleteToolUse> incompleteToolUses) {
    public LlmResponse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        content = List.copyOf(content);
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(usage, "usage");
        incompleteToolUses = List.copyOf(incompleteToolUses);
    }

    public LlmResponse(String id, String model, List<ContentBlock> content, StopReason stopReason, Usage usage) {
        this(id, model, content, stopReason, usage, List.of());
    }

    public Message toMessage() {
        return Message.assistant(content);
    }

    public List<ToolUseBlock> toolUses() {
        return toMessage().toolUses();
    }

    public String text() {
        return Messages.joinText(content);
    }
}
