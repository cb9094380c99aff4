package dev.picrust.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an {@link LlmResponse} the way OpenAI Chat Completions sends it: a {@code chat.completion}
 * object, or the {@code chat.completion.chunk} stream ({@code data:} lines without event names): a
 * first chunk with the role, reasoning as {@code reasoning_content} deltas, text in pieces, each tool
 * call opened by a fragment with its id and name and {@code arguments: ""} followed by argument
 * pieces, a chunk with an empty delta and the {@code finish_reason}, a usage chunk with no choices,
 * and {@code [DONE]}.
 */
public final class OpenAiWireFormat {
    private static final int PIECES = 3;

    private OpenAiWireFormat() {}

    /** The non-streaming response body. */
    public static ObjectNode completion(LlmResponse response) {
        ObjectNode body = skeleton(response, "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        String text = response.text();
        if (text.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        String reasoning = reasoning(response);
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning);
        }
        ArrayNode calls = Json.array();
        for (ToolUseBlock call : response.toolUses()) {
            ObjectNode node = calls.addObject().put("id", call.id()).put("type", "function");
            node.putObject("function").put("name", call.name()).put("arguments", Json.write(call.input()));
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        choice.put("finish_reason", finishReason(response.stopReason()));
        body.set("usage", usage(response.usage()));
        return body;
    }

    /** The chunks of a streamed response, {@code [DONE]} last. */
    public static List<SseEvent> events(LlmResponse response) {
        List<SseEvent> events = new ArrayList<>();
        events.add(chunk(response, Json.object().put("role", "assistant").put("content", ""), null));
        for (String piece : TextPieces.split(reasoning(response), PIECES)) {
            events.add(chunk(response, Json.object().put("reasoning_content", piece), null));
        }
        for (String piece : TextPieces.split(response.text(), PIECES)) {
            events.add(chunk(response, Json.object().put("content", piece), null));
        }
        int index = 0;
        for (ToolUseBlock call : response.toolUses()) {
            ObjectNode opening = Json.object().put("index", index).put("id", call.id()).put("type", "function");
            opening.putObject("function").put("name", call.name()).put("arguments", "");
            events.add(chunk(response, toolDelta(opening), null));
            for (String piece : TextPieces.split(Json.write(call.input()), PIECES)) {
                ObjectNode fragment = Json.object().put("index", index);
                fragment.putObject("function").put("arguments", piece);
                events.add(chunk(response, toolDelta(fragment), null));
            }
            index++;
        }
        events.add(chunk(response, Json.object(), finishReason(response.stopReason())));
        ObjectNode usageChunk = skeleton(response, "chat.completion.chunk");
        usageChunk.putArray("choices");
        usageChunk.set("usage", usage(response.usage()));
        events.add(data(usageChunk));
        events.add(new SseEvent("", "[DONE]"));
        return events;
    }

    /** The JSON error body OpenAI sends with an HTTP error. */
    public static ObjectNode error(String errorType, String message) {
        ObjectNode body = Json.object();
        body.putObject("error").put("message", message).put("type", errorType).putNull("param").putNull("code");
        return body;
    }

    /** The error payload a stream ends with when it fails after the 200 headers. */
    public static SseEvent errorEvent(String errorType, String message) {
        return data(error(errorType, message));
    }

    static SseEvent data(ObjectNode payload) {
        return new SseEvent("", Json.write(payload));
    }

    private static ObjectNode toolDelta(ObjectNode fragment) {
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").add(fragment);
        return delta;
    }

    private static SseEvent chunk(LlmResponse response, ObjectNode delta, String finishReason) {
        ObjectNode chunk = skeleton(response, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        chunk.putNull("usage");
        return data(chunk);
    }

    private static ObjectNode skeleton(LlmResponse response, String object) {
        return Json.object().put("id", "chatcmpl-" + response.id()).put("object", object).put("created", 1_700_000_000L)
                .put("model", response.model());
    }

    private static String reasoning(LlmResponse response) {
        StringBuilder out = new StringBuilder();
        for (ContentBlock block : response.content()) {
            if (block instanceof ThinkingBlock thinking) {
                out.append(thinking.thinking());
            }
        }
        return out.toString();
    }

    static String finishReason(StopReason reason) {
        return switch (reason) {
            case TOOL_USE -> "tool_calls";
            case MAX_TOKENS -> "length";
            case REFUSAL -> "content_filter";
            default -> "stop";
        };
    }

    private static ObjectNode usage(Usage usage) {
        long prompt = usage.inputTokens() + usage.cacheReadInputTokens();
        ObjectNode node = Json.object().put("prompt_tokens", prompt).put("completion_tokens", usage.outputTokens())
                .put("total_tokens", prompt + usage.outputTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheReadInputTokens());
        return node;
    }
}
