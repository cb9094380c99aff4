package dev.picrust.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.llm.Message;
import java.util.List;

/**
 * A session as it stood when it was read, for looking at it (a transcript, an export) without
 * becoming its writer. {@code warnings} are the damage found and repaired while reading, as in
 * {@link AgentSession#loadWarnings()}.
 */
public record SessionSnapshot(SessionMetadata metadata, List<Message> messages, List<ObjectNode> records,
                              List<String> warnings) {
    public SessionSnapshot {
        messages = List.copyOf(messages);
        records = List.copyOf(records);
        warnings = List.copyOf(warnings);
    }
}
