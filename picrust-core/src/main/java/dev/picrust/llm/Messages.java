package dev.picrust.llm;

import java.util.List;
import java.util.stream.Collectors;

/** Small queries over content lists shared by {@link Message} and {@link ToolResultBlock}. */
final class Messages {
    private Messages() {}

    static String joinText(List<ContentBlock> blocks) {
        return blocks.stream()
                .filter(TextBlock.class::isInstance)
                .map(b -> ((TextBlock) b).text())
                .collect(Collectors.joining("\n"));
    }
}
