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
import java.util.function.Function;

/**
 * Keeps a history valid for the next request after a crash. The loop appends the assistant message
 * before its tools run, so a process that died mid-tool leaves tool_use blocks without results; the
 * API rejects such a history, so they get synthetic error results, each saying what is known about
 * the call ({@link Fate}).
 */
final class HistoryRepair {
    /** A read-only call (or one of a tool no longer known) without a result: running it again is harmless. */
    public static final String INTERRUPTED_BY_CRASH =
            "interrupted: the process stopped before this tool finished";
    /** A call with effects that had started: it may have done its work, or part of it. */
    public static final String STARTED_BEFORE_CRASH =
            "started before a crash; it may or may not have taken effect \u2014 check before repeating it";
    /** A call with effects whose start was never recorded: it did not run. */
    public static final String NOT_STARTED_BEFORE_CRASH =
            "not run: the process stopped before this tool started";

    /** What is known about a call that has no result in the history. */
    enum Fate {
        /** A tool with effects began (its durable start mark is there) and its result is not. */
        STARTED,
        /** A tool with effects that never began. */
        NOT_STARTED,
        /** A read-only tool, or one not known: nothing it did matters. */
        HARMLESS;

        String message() {
            return switch (this) {
                case STARTED -> STARTED_BEFORE_CRASH;
                case NOT_STARTED -> NOT_STARTED_BEFORE_CRASH;
                case HARMLESS -> INTERRUPTED_BY_CRASH;
            };
        }
    }

    private HistoryRepair() {}

    /** The user message to append so that every tool_use in {@code history} has a result, if one is needed. */
    public static Optional<Message> missingToolResults(List<Message> history) {
        return missingToolResults(history, Map.of(), call -> Fate.HARMLESS);
    }

    /**
     * As above, using results that finished before the crash where there are any, and saying of the
     * others what {@code fate} knows.
     */
    public static Optional<Message> missingToolResults(List<Message> history, Map<String, ToolResultBlock> finished,
                                                       Function<ToolUseBlock, Fate> fate) {
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
                    : ToolResultBlock.text(use.id(), fate.apply(use).message(), true));
        }
        return Optional.of(Message.user(results));
    }
}
