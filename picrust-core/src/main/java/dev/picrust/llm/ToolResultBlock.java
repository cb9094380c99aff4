package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to a {@link ToolUseBlock}. Content is a list of blocks (text, image, document); a
 * wire {@code content} string is read as one {@link TextBlock}.
 */
public record ToolResultBlock(String toolUseId, List<ContentBlock> content, boolean isError,
                              Map<String, JsonNode> extras) implements ContentBlock {
    public ToolResultBlock {
        Objects.requireNonNull(toolUseId, "toolUseId");
        content = List.copyOf(content);
        extras = Extras.copy(extras);
    }

    public ToolResultBlock(String toolUseId, List<ContentBlock> content, boolean isError) {
        this(toolUseId, content, isError, Map.of());
    }

    public static ToolResultBlock text(String toolUseId, String text, boolean isError) {
        return new ToolResultBlock(toolUseId, List.of(new TextBlock(text)), isError);
    }

    /** The text blocks joined with newlines; other block kinds are skipped. */
    public String text() {
        return Messages.joinText(content);
    }

    @Override
    public String type() {
        return "tool_result";
    }
}
