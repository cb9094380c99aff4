package dev.picrust.tool;

import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.TextBlock;
import java.util.List;

/** What a tool returns: content blocks (text, image, document) and whether it is an error. */
public record ToolResult(List<ContentBlock> content, boolean isError) {
    public ToolResult {
        content = List.copyOf(content);
    }

    public static ToolResult text(String text) {
        return new ToolResult(List.of(new TextBlock(text)), false);
    }

    public static ToolResult error(String message) {
        return new ToolResult(List.of(new TextBlock(message)), true);
    }

    public static ToolResult blocks(List<ContentBlock> blocks) {
        return new ToolResult(blocks, false);
    }

    /** Text blocks joined with newlines. */
    public String text() {
        return new dev.picrust.llm.ToolResultBlock("", content, isError).text();
    }
}
