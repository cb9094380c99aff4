package dev.picrust.llm.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.IncompleteToolUse;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmException.Kind;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds one {@link LlmResponse} from Gemini {@code GenerateContentResponse} chunks (a stream sends
 * many, a plain call one), reporting deltas as they arrive.
 *
 * <p>Neighbouring text parts of the same kind (thought or not) join into one block, as the stream
 * splits them arbitrarily; a function call arrives whole in one part. A part's
 * {@code thoughtSignature} stays with the block it came with (extras {@value GeminiRequest#SIGNATURE}
 * for text and calls, the signature of a {@link ThinkingBlock}), so it can be sent back where Gemini
 * expects it. Every call gets a unique id: Gemini's own when it sends one, else a fresh
 * {@code call_...} (Gemini matches results by name and order, but our history needs ids that never
 * repeat). Usage is cumulative (the last chunk's counts win); thought tokens count as output, as
 * they are billed.
 */
final class GeminiAccumulator {
    private final StreamListener listener;
    private final List<ContentBlock> blocks = new ArrayList<>();
    private final List<IncompleteToolUse> incomplete = new ArrayList<>();
    private StringBuilder openText;
    private boolean openIsThought;
    private String openSignature;
    private String id = "";
    private String model = "";
    private Usage usage = Usage.ZERO;
    private String finishReason;
    private String blockReason;
    private boolean anyChunk;

    GeminiAccumulator(StreamListener listener) {
        this.listener = listener;
    }

    /** Applies one SSE data payload. */
    void acceptData(String data) {
        JsonNode chunk;
        try {
            chunk = Json.parse(data);
        } catch (JsonProcessingException e) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "Gemini stream chunk is not JSON: " + e.getOriginalMessage(),
                    0, null, false, e);
        }
        if (chunk == null || !chunk.isObject()) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "Gemini stream chunk is not a JSON object");
        }
        accept(chunk);
    }

    void accept(JsonNode chunk) {
        if (chunk.path("error").isObject()) {
            throw streamError(chunk.get("error"));
        }
        anyChunk = true;
        if (id.isEmpty() && chunk.path("responseId").isTextual()) {
            id = chunk.get("responseId").asText();
        }
        if (model.isEmpty() && chunk.path("modelVersion").isTextual()) {
            model = chunk.get("modelVersion").asText();
        }
        if (chunk.path("usageMetadata").isObject()) {
            usage = usage(chunk.get("usageMetadata"));
        }
        if (chunk.path("promptFeedback").path("blockReason").isTextual()) {
            blockReason = chunk.get("promptFeedback").get("blockReason").asText();
        }
        JsonNode candidate = chunk.path("candidates").path(0);
        for (JsonNode part : candidate.path("content").path("parts")) {
            acceptPart(part);
        }
        if (candidate.path("finishReason").isTextual()) {
            finishReason = candidate.get("finishReason").asText();
        }
    }

    /** True once a finish reason (or a blocked prompt) arrived. */
    boolean isFinished() {
        return finishReason != null || blockReason != null;
    }

    LlmResponse finish() {
        if (!isFinished()) {
            throw new LlmException(Kind.STREAM_ERROR, anyChunk ? "Gemini stream ended before the answer was complete"
                    : "Gemini stream ended without any chunk", 0, null, true, null);
        }
        closeText();
        boolean calledTools = blocks.stream().anyMatch(ToolUseBlock.class::isInstance);
        return new LlmResponse(id, model, blocks, stopReason(calledTools || !incomplete.isEmpty()), usage, incomplete);
    }

    private StopReason stopReason(boolean calledTools) {
        if (blockReason != null && finishReason == null) {
            return StopReason.REFUSAL;
        }
        return switch (finishReason) {
            case "MAX_TOKENS" -> StopReason.MAX_TOKENS;
            case "SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY" -> StopReason.REFUSAL;
            case "STOP", "FINISH_REASON_UNSPECIFIED" -> calledTools ? StopReason.TOOL_USE : StopReason.END_TURN;
            default -> calledTools ? StopReason.TOOL_USE : StopReason.OTHER;
        };
    }

    private void acceptPart(JsonNode part) {
        String signature = part.path(GeminiRequest.SIGNATURE).isTextual() ? part.get(GeminiRequest.SIGNATURE).asText() : null;
        if (part.path("functionCall").isObject()) {
            closeText();
            JsonNode call = part.get("functionCall");
            String name = call.path("name").asText("");
            String callId = call.path("id").isTextual() && !call.path("id").asText().isEmpty()
                    ? call.get("id").asText() : "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
            JsonNode given = call.path("args");
            if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
                // A call is sent whole, so never cut off: arguments of another kind are the model's mistake.
                incomplete.add(new IncompleteToolUse(callId, name, Json.write(given),
                        IncompleteToolUse.Defect.Malformed.notAnObject(given)));
                return;
            }
            JsonNode args = given.isObject() ? given.deepCopy() : Json.object();
            Map<String, JsonNode> extras = signature == null ? Map.of() : Map.of(GeminiRequest.SIGNATURE, TextNode.valueOf(signature));
            listener.onEvent(new StreamEvent.ToolUseStarted(blocks.size(), callId, name));
            blocks.add(new ToolUseBlock(callId, name, args, extras));
            return;
        }
        if (!part.has("text")) {
            return;  // parts this version does not model (executable code, file data) carry nothing to keep
        }
        boolean thought = part.path("thought").asBoolean(false);
        String text = part.path("text").asText("");
        if (openText == null || openIsThought != thought || (signature != null && openSignature != null)) {
            closeText();
            openText = new StringBuilder();
            openIsThought = thought;
        }
        openText.append(text);
        if (signature != null) {
            openSignature = signature;
        }
        if (!text.isEmpty()) {
            listener.onEvent(thought ? new StreamEvent.ThinkingDelta(blocks.size(), text)
                    : new StreamEvent.TextDelta(blocks.size(), text));
        }
    }

    private void closeText() {
        if (openText == null) {
            return;
        }
        if (openIsThought) {
            blocks.add(new ThinkingBlock(openText.toString(), openSignature == null ? "" : openSignature));
        } else if (!openText.isEmpty() || openSignature != null) {
            blocks.add(new TextBlock(openText.toString(), openSignature == null ? Map.of()
                    : Map.of(GeminiRequest.SIGNATURE, TextNode.valueOf(openSignature))));
        }
        openText = null;
        openSignature = null;
    }

    static Usage usage(JsonNode node) {
        long prompt = node.path("promptTokenCount").asLong(0);
        long cached = node.path("cachedContentTokenCount").asLong(0);
        long output = node.path("candidatesTokenCount").asLong(0) + node.path("thoughtsTokenCount").asLong(0);
        return new Usage(Math.max(0, prompt - cached), output, cached, 0);
    }

    private static LlmException streamError(JsonNode error) {
        String status = error.path("status").asText("");
        return new LlmException(GeminiWire.kind(status, error.path("code").asInt(0)),
                "Gemini stream error" + (status.isEmpty() ? "" : " " + status) + ": " + error.path("message").asText(""),
                0, null, GeminiWire.isTransient(status), null);
    }
}
