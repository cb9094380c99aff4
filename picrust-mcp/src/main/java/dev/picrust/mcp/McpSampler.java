package dev.picrust.mcp;

import dev.picrust.Cancellation;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers a server's {@code sampling/createMessage} with one call to the operator's chosen model.
 * Only offered to servers when the operator enables it ({@link McpToolProvider.Builder#sampling}):
 * a server could otherwise spend the agent's tokens.
 */
public record McpSampler(LlmProvider provider, String model, int maxTokensCap) {
    public McpSampler {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        if (maxTokensCap < 1) {
            throw new IllegalArgumentException("maxTokensCap must be >= 1");
        }
    }

    /** Samples with the provider's default model, at most 4,096 tokens per request. */
    public static McpSampler using(LlmProvider provider) {
        return new McpSampler(provider, provider.defaultModel(), 4096);
    }

    McpSchema.CreateMessageResult createMessage(McpSchema.CreateMessageRequest request) {
        List<Message> messages = request.messages().stream().map(McpSampler::message).toList();
        int maxTokens = Math.min(maxTokensCap, request.maxTokens() == null || request.maxTokens() < 1
                ? maxTokensCap : request.maxTokens());
        LlmRequest llm = new LlmRequest(model,
                request.systemPrompt() == null ? List.of() : List.of(new TextBlock(request.systemPrompt())),
                messages, List.of(), maxTokens, Optional.empty(), Optional.ofNullable(request.temperature()),
                java.util.Map.of());
        LlmResponse response = provider.send(llm, Cancellation.none());
        McpSchema.CreateMessageResult.StopReason stop = response.stopReason() == StopReason.MAX_TOKENS
                ? McpSchema.CreateMessageResult.StopReason.MAX_TOKENS
                : response.stopReason() == StopReason.STOP_SEQUENCE ? McpSchema.CreateMessageResult.StopReason.STOP_SEQUENCE
                : McpSchema.CreateMessageResult.StopReason.END_TURN;
        return new McpSchema.CreateMessageResult(McpSchema.Role.ASSISTANT, new McpSchema.TextContent(response.text()),
                response.model(), stop);
    }

    private static Message message(McpSchema.SamplingMessage m) {
        ContentBlock block = McpContent.block(m.content());
        return m.role() == McpSchema.Role.ASSISTANT ? Message.assistant(List.of(block)) : Message.user(List.of(block));
    }
}
