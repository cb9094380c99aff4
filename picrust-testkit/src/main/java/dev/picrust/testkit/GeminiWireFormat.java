package dev.picrust.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an {@link LlmResponse} the way the Gemini API sends it: one {@code GenerateContentResponse},
 * or a stream of them ({@code data:} lines, {@code alt=sse}) where text and thoughts arrive in pieces,
 * a thinking block's signature rides on its last piece, each function call arrives whole (with the
 * {@code thoughtSignature} a block keeps in its extras, and no id, as the Gemini API sends none), and
 * the last chunk carries {@code finishReason} and {@code usageMetadata}.
 */
public final class GeminiWireFormat {
    private static final int PIECES = 3;
    private static final String SIGNATURE = "thoughtSignature";

    private GeminiWireFormat() {}

    /** The non-streaming response body. */
    public static ObjectNode response(LlmResponse response) {
        ArrayNode parts = Json.array();
        for (ContentBlock block : response.content()) {
            switch (block) {
                case ThinkingBlock thinking -> parts.add(thought(thinking.thinking(), thinking.signature()));
                case TextBlock text -> parts.add(text(text, text.text()));
                case ToolUseBlock call -> parts.add(functionCall(call));
                default -> { }
            }
        }
        return chunk(response, parts, true);
    }

    /** The chunks of a streamed response. */
    public static List<SseEvent> events(LlmResponse response) {
        List<SseEvent> events = new ArrayList<>();
        for (ContentBlock block : response.content()) {
            switch (block) {
                case ThinkingBlock thinking -> {
                    List<String> pieces = TextPieces.split(thinking.thinking(), PIECES);
                    for (int i = 0; i < pieces.size(); i++) {
                        String signature = i == pieces.size() - 1 ? thinking.signature() : "";
                        events.add(data(chunk(response, Json.array().add(thought(pieces.get(i), signature)), false)));
                    }
                }
                case TextBlock text -> {
                    for (String piece : TextPieces.split(text.text(), PIECES)) {
                        events.add(data(chunk(response, Json.array().add(text(text, piece)), false)));
                    }
                }
                case ToolUseBlock call -> events.add(data(chunk(response, Json.array().add(functionCall(call)), false)));
                default -> { }
            }
        }
        events.add(data(chunk(response, Json.array(), true)));
        return events;
    }

    /** The JSON error body Gemini sends with an HTTP error; the status is derived from the Anthropic-style type. */
    public static ObjectNode error(int httpStatus, String errorType, String message) {
        ObjectNode body = Json.object();
        body.putObject("error").put("code", httpStatus).put("message", message).put("status", status(errorType));
        return body;
    }

    /** The error payload a stream ends with when it fails after the 200 headers. */
    public static SseEvent errorEvent(String errorType, String message) {
        return data(error(500, errorType, message));
    }

    static String status(String errorType) {
        return switch (errorType) {
            case "overloaded_error" -> "UNAVAILABLE";
            case "rate_limit_error" -> "RESOURCE_EXHAUSTED";
            case "api_error" -> "INTERNAL";
            case "authentication_error" -> "UNAUTHENTICATED";
            case "permission_error" -> "PERMISSION_DENIED";
            case "not_found_error" -> "NOT_FOUND";
            case "timeout_error" -> "DEADLINE_EXCEEDED";
            default -> "INVALID_ARGUMENT";
        };
    }

    private static SseEvent data(ObjectNode payload) {
        return new SseEvent("", Json.write(payload));
    }

    private static ObjectNode chunk(LlmResponse response, ArrayNode parts, boolean last) {
        ObjectNode chunk = Json.object();
        ObjectNode candidate = chunk.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content").put("role", "model");
        content.set("parts", parts);
        candidate.put("index", 0);
        if (last) {
            candidate.put("finishReason", finishReason(response.stopReason()));
            chunk.set("usageMetadata", usage(response.usage()));
        }
        chunk.put("modelVersion", response.model()).put("responseId", response.id());
        return chunk;
    }

    private static ObjectNode thought(String text, String signature) {
        ObjectNode part = Json.object().put("text", text).put("thought", true);
        if (!signature.isEmpty()) {
            part.put(SIGNATURE, signature);
        }
        return part;
    }

    private static ObjectNode text(TextBlock block, String piece) {
        ObjectNode part = Json.object().put("text", piece);
        JsonNode signature = block.extras().get(SIGNATURE);
        if (signature != null && signature.isTextual()) {
            part.set(SIGNATURE, signature);
        }
        return part;
    }

    private static ObjectNode functionCall(ToolUseBlock call) {
        ObjectNode part = Json.object();
        part.putObject("functionCall").put("name", call.name()).set("args", call.input().deepCopy());
        JsonNode signature = call.extras().get(SIGNATURE);
        if (signature != null && signature.isTextual()) {
            part.set(SIGNATURE, signature);
        }
        return part;
    }

    private static String finishReason(StopReason reason) {
        return switch (reason) {
            case MAX_TOKENS -> "MAX_TOKENS";
            case REFUSAL -> "SAFETY";
            default -> "STOP";
        };
    }

    private static ObjectNode usage(Usage usage) {
        long prompt = usage.inputTokens() + usage.cacheReadInputTokens();
        ObjectNode node = Json.object().put("promptTokenCount", prompt)
                .put("candidatesTokenCount", usage.outputTokens())
                .put("totalTokenCount", prompt + usage.outputTokens());
        if (usage.cacheReadInputTokens() > 0) {
            node.put("cachedContentTokenCount", usage.cacheReadInputTokens());
        }
        return node;
    }
}
