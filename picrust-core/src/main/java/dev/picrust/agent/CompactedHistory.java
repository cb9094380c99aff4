package dev.picrust.agent;

import dev.picrust.llm.Message;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The history a model sees after a compaction, without copying it: the {@code prefix} (pinned
 * messages and the summary, one user message) and then the session's messages from {@code from}
 * on. {@link ModelHistory} reads {@link #sessionIndex} to know which model wrote a message.
 */
final class CompactedHistory extends AbstractList<Message> implements RandomAccess {
    private final Message prefix;
    private final List<Message> all;
    private final int from;

    CompactedHistory(Message prefix, List<Message> all, int from) {
        this.prefix = prefix;
        this.all = all;
        this.from = from;
    }

    @Override
    public Message get(int index) {
        if (index == 0) {
            return prefix;
        }
        return all.get(from + index - 1);
    }

    @Override
    public int size() {
        return 1 + all.size() - from;
    }

    /** The index in the whole session of this list's {@code index}; -1 for the prefix. */
    int sessionIndex(int index) {
        return index == 0 ? -1 : from + index - 1;
    }

    /** The session's messages, every one of them. */
    List<Message> session() {
        return all;
    }
}
