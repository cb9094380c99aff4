package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One call to a model. {@code system} is a list of text blocks so that cache breakpoints can be
 * placed on it; {@code extraBody} carries any further top-level request fields (tool_choice,
 * metadata, output_config, ...) verbatim.
 */
public record LlmRequest(String model, List<TextBlock> system, List<Message> messages,
                         List<ToolDefinition> tools, int maxTokens, Optional<ThinkingConfig> thinking,
                         Optional<Double> temperature, Map<String, JsonNode> extraBody) {
    public LlmRequest {
        Objects.requireNonNull(model, "model");
        system = List.copyOf(system);
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(temperature, "temperature");
        extraBody = Extras.copy(extraBody);
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive");
        }
    }

    public static LlmRequest of(String model, List<Message> messages, int maxTokens) {
        return new LlmRequest(model, List.of(), messages, List.of(), maxTokens, Optional.empty(),
                Optional.empty(), Map.of());
    }

    public LlmRequest withSystem(List<TextBlock> newSystem) {
        return new LlmRequest(model, newSystem, messages, tools, maxTokens, thinking, temperature, extraBody);
    }

    public LlmRequest withMessages(List<Message> newMessages) {
        return new LlmRequest(model, system, newMessages, tools, maxTokens, thinking, temperature, extraBody);
    }

    public LlmRequest withTools(List<ToolDefinition> newTools) {
        return new LlmRequest(model, system, messages, newTools, maxTokens, thinking, temperature, extraBody);
    }

    public LlmRequest withModel(String newModel) {
        return new LlmRequest(newModel, system, messages, tools, maxTokens, thinking, temperature, extraBody);
    }

    public LlmRequest withThinking(Optional<ThinkingConfig> newThinking) {
        return new LlmRequest(model, system, messages, tools, maxTokens, newThinking, temperature, extraBody);
    }

    public LlmRequest withExtraBody(Map<String, JsonNode> newExtraBody) {
        return new LlmRequest(model, system, messages, tools, maxTokens, thinking, temperature, newExtraBody);
    }
}
