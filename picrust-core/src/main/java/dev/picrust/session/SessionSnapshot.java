package dev.picrust.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.UsageTotals;
import dev.picrust.llm.Message;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A session as it stood when it was read, for looking at it (a transcript, an export) without
 * becoming its writer. {@code warnings} are the damage found and repaired while reading, as in
 * {@link AgentSession#loadWarnings()}; {@code state} is the durable key/value state; {@code usage} what
 * its model calls used ({@link AgentSession#usage()}).
 */
public record SessionSnapshot(SessionMetadata metadata, List<Message> messages, List<ObjectNode> records,
                              Map<String, JsonNode> state, List<String> warnings, UsageTotals usage) {
    public SessionSnapshot {
        Objects.requireNonNull(usage, "usage");
        messages = List.copyOf(messages);
        state = Map.copyOf(state);
        records = List.copyOf(records);
        warnings = List.copyOf(warnings);
    }
}
