package dev.picrust.agent.context;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What an injector may look at before an LLM call. {@code turn} counts user turns of the session;
 * {@code iteration} counts model calls within the turn (from 1). {@code todos} is the agent's todo
 * list (the TodoWrite {@code todos} array), if it has one.
 */
public record InjectionContext(String sessionId, Path workingDirectory, int turn, int iteration, Instant now,
                               Optional<JsonNode> todos) {
    public InjectionContext {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(now, "now");
        todos = Objects.requireNonNull(todos, "todos").map(JsonNode::deepCopy);
    }

    @Override
    public Optional<JsonNode> todos() {
        return todos.map(JsonNode::deepCopy);
    }
}
