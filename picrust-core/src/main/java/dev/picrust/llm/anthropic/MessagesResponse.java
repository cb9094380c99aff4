package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.Usage;

/** Reads a non-streamed {@code message} object and the {@code usage} objects of both styles. */
final class MessagesResponse {
    private MessagesResponse() {}

    static LlmResponse fromJson(JsonNode message) {
        if (!message.isObject() || !message.path("id").isTextual() || !message.path("content").isArray()) {
            throw new LlmException(LlmException.Kind.MALFORMED_RESPONSE,
                    "Anthropic answer is not a message object (missing id or content)");
        }
        try {
            return new LlmResponse(message.get("id").asText(), message.path("model").asText(""),
                    MessageCodec.blocksFromJson(message.get("content")),
                    StopReason.fromWire(message.path("stop_reason").textValue()),
                    usage(message.path("usage"), Usage.ZERO));
        } catch (IllegalArgumentException e) {
            throw new LlmException(LlmException.Kind.MALFORMED_RESPONSE,
                    "Anthropic answer has a malformed content block: " + e.getMessage(), 0, null, false, e);
        }
    }

    /**
     * Usage fields present in {@code node} replace those of {@code previous}; absent or null ones
     * keep it. Stream usage is cumulative, so the latest value of each field is the total.
     */
    static Usage usage(JsonNode node, Usage previous) {
        return new Usage(
                count(node, "input_tokens", previous.inputTokens()),
                count(node, "output_tokens", previous.outputTokens()),
                count(node, "cache_read_input_tokens", previous.cacheReadInputTokens()),
                count(node, "cache_creation_input_tokens", previous.cacheCreationInputTokens()));
    }

    private static long count(JsonNode node, String field, long previous) {
        JsonNode value = node.get(field);
        return value != null && value.isNumber() ? value.asLong() : previous;
    }
}
