package dev.picrust.llm;

import java.util.List;
import java.util.Objects;

/** One conversation turn in the Anthropic shape: a role and its content blocks. */
public record Message(Role role, List<ContentBlock> content) {
    public Message {
        Objects.requireNonNull(role, "role");
        content = List.copyOf(content);
    }

    public static Message user(String text) {
        return new Message(Role.USER, List.of(new TextBlock(text)));
    }

    public static Message user(List<ContentBlock> content) {
        return new Message(Role.USER, content);
    }

    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, List.of(new TextBlock(text)));
    }

    public static Message assistant(List<ContentBlock> content) {
        return new Message(Role.ASSISTANT, content);
    }

    /** All text blocks joined with newlines. */
    public String text() {
        return Messages.joinText(content);
    }

    public List<ToolUseBlock> toolUses() {
        return content.stream()
                .filter(ToolUseBlock.class::isInstance)
                .map(ToolUseBlock.class::cast)
                .toList();
    }

    public List<ToolResultBlock> toolResults() {
        return content.stream()
                .filter(ToolResultBlock.class::isInstance)
                .map(ToolResultBlock.class::cast)
                .toList();
    }
}
