package dev.picrust.agent.context;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Renders the TodoWrite list ({@code [{content, status, activeForm?}]}) as text lines. */
final class TodoListInjector implements ContextInjector {

    @Override
    public Optional<String> inject(InjectionContext context) {
        Optional<JsonNode> todos = context.todos().filter(JsonNode::isArray).filter(t -> !t.isEmpty());
        if (todos.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("Current todo list:");
        for (JsonNode item : todos.get()) {
            String status = item.path("status").asText("pending");
            String mark = switch (status) {
                case "completed" -> "[x]";
                case "in_progress" -> "[>]";
                default -> "[ ]";
            };
            text.append('\n').append(mark).append(' ').append(item.path("content").asText(item.toString()));
        }
        return Optional.of(text.toString());
    }
}
