package dev.picrust.agent;

import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a history valid for the next request after a crash. The loop appends the assistant message
 * before its tools run, so a process that died mid-tool leaves tool_use blocks without results; the
 * API rejects such a history, so they get synthetic error results.
 */
final class HistoryRepair {
    public static final String INTERRUPTED_BY_CRASH =
            "interrupted: the process stopped before this tool finished";

    private HistoryRepair() {}

    /** The user message to append so that every tool_use in {@code history} has a result, if one is needed. */
    public static Optional<Message> missingToolResults(List<Message> history) {
        return missingToolResults(history, Map.of());
    }

    /** As above, using results that finished before the crash where there are any. */
    public static Optional<Message> missingToolResults(List<Message> history, Map<String, ToolResultBlock> finished) {
        if (history.isEmpty()) {
            return Optional.empty();
        }
        Message last = history.getLast();
        if (last.role() != Role.ASSISTANT || last.toolUses().isEmpty()) {
            return Optional.empty();
        }
        List<ContentBlock> results = new ArrayList<>();
        for (ToolUseBlock use : last.toolUses()) {
            results.add(finished.containsKey(use.id())
                    ? finished.get(use.id())
                    : ToolResultBlock.text(use.id(), INTERRUPTED_BY_CRASH, true));
        }
        return Optional.of(Message.user(results));
    }
}
