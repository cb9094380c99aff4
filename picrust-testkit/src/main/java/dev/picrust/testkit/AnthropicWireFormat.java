package dev.picrust.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.IncompleteToolUse;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.RedactedThinkingBlock;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an {@link LlmResponse} the way the Anthropic Messages API sends it: as a message object
 * for non-streaming calls, or as the SSE event sequence for {@code "stream": true}. The stream has
 * the shape of a real one (a {@code ping} after the first block start, tool input split into
 * {@code input_json_delta} fragments starting with {@code ""}, an empty {@code thinking_delta}
 * before the {@code signature_delta}, cumulative usage in {@code message_delta}), so clients are
 * exercised on the quirks they meet in production.
 */
public final class AnthropicWireFormat {
    private static final int TEXT_PIECES = 3;
    private static final int JSON_PIECES = 4;

    private AnthropicWireFormat() {}

    /** The non-streaming response body. */
    public static ObjectNode message(LlmResponse response) {
        ObjectNode message = messageSkeleton(response);
        message.set("content", MessageCodec.blocksToJson(response.content()));
        message.put("stop_reason", response.stopReason().wire());
        message.putNull("stop_sequence");
        message.set("usage", usage(response.usage(), response.usage().outputTokens()));
        return message;
    }

    /** The full event sequence of a streamed response, from message_start to message_stop. */
    public static List<SseEvent> events(LlmResponse response) {
        List<SseEvent> events = new ArrayList<>();
        ObjectNode start = Json.object().put("type", "message_start");
        ObjectNode message = messageSkeleton(response);
        message.set("content", Json.array());
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", usage(response.usage(), Math.min(1, response.usage().outputTokens())));
        start.set("message", message);
        events.add(event(start));

        int index = 0;
        for (ContentBlock block : response.content()) {
            blockEvents(index++, block, events);
        }
        for (IncompleteToolUse partial : response.incompleteToolUses()) {
            // A block cut off by max_tokens starts and streams, but never stops; a malformed one stops.
            events.add(blockStart(index, toolUseSkeleton(partial.id(), partial.name())));
            for (String piece : jsonPieces(partial.partialInputJson())) {
                events.add(delta(index, Json.object().put("type", "input_json_delta").put("partial_json", piece)));
            }
            if (partial.defect() instanceof IncompleteToolUse.Defect.Malformed) {
                events.add(event(Json.object().put("type", "content_block_stop").put("index", index)));
            }
            index++;
        }
        if (response.content().isEmpty() && response.incompleteToolUses().isEmpty()) {
            events.add(ping());
        }

        ObjectNode messageDelta = Json.object().put("type", "message_delta");
        messageDelta.set("delta", Json.object().put("stop_reason", response.stopReason().wire()).putNull("stop_sequence"));
        messageDelta.set("usage", usage(response.usage(), response.usage().outputTokens()));
        events.add(event(messageDelta));
        events.add(event(Json.object().put("type", "message_stop")));
        return events;
    }

    /** The JSON error body of the Anthropic shape. */
    public static ObjectNode error(String errorType, String message, String requestId) {
        ObjectNode body = Json.object().put("type", "error");
        body.set("error", Json.object().put("type", errorType).put("message", message));
        body.put("request_id", requestId);
        return body;
    }

    /** The {@code error} event a stream ends with when it fails after the 200 headers. */
    public static SseEvent errorEvent(String errorType, String message) {
        ObjectNode body = Json.object().put("type", "error");
        body.set("error", Json.object().put("type", errorType).put("message", message));
        return event(body);
    }

    /** An event whose name is its payload's {@code type}, as the API always sends. */
    public static SseEvent event(ObjectNode payload) {
        return new SseEvent(payload.path("type").asText(), Json.write(payload));
    }

    private static void blockEvents(int index, ContentBlock block, List<SseEvent> events) {
        switch (block) {
            case TextBlock text -> {
                ObjectNode skeleton = Json.object().put("type", "text").put("text", "");
                events.add(blockStart(index, skeleton));
                pingAfterFirstStart(index, events);
                for (String piece : TextPieces.split(text.text(), TEXT_PIECES)) {
                    events.add(delta(index, Json.object().put("type", "text_delta").put("text", piece)));
                }
            }
            case ThinkingBlock thinking -> {
                events.add(blockStart(index, Json.object().put("type", "thinking").put("thinking", "").put("signature", "")));
                pingAfterFirstStart(index, events);
                for (String piece : TextPieces.split(thinking.thinking(), TEXT_PIECES)) {
                    events.add(delta(index, Json.object().put("type", "thinking_delta").put("thinking", piece)));
                }
                events.add(delta(index, Json.object().put("type", "thinking_delta").put("thinking", "")));
                events.add(delta(index, Json.object().put("type", "signature_delta").put("signature", thinking.signature())));
            }
            case ToolUseBlock toolUse -> {
                events.add(blockStart(index, toolUseSkeleton(toolUse.id(), toolUse.name())));
                pingAfterFirstStart(index, events);
                for (String piece : jsonPieces(Json.write(toolUse.input()))) {
                    events.add(delta(index, Json.object().put("type", "input_json_delta").put("partial_json", piece)));
                }
            }
            case RedactedThinkingBlock redacted -> {
                events.add(blockStart(index, MessageCodec.toJson(redacted)));
                pingAfterFirstStart(index, events);
            }
            default -> {
                // Server-tool and unknown blocks arrive whole in content_block_start.
                events.add(blockStart(index, MessageCodec.toJson(block)));
                pingAfterFirstStart(index, events);
            }
        }
        events.add(event(Json.object().put("type", "content_block_stop").put("index", index)));
    }

    private static List<String> jsonPieces(String json) {
        List<String> pieces = new ArrayList<>();
        pieces.add("");
        pieces.addAll(TextPieces.split(json, JSON_PIECES));
        return pieces;
    }

    private static void pingAfterFirstStart(int index, List<SseEvent> events) {
        if (index == 0) {
            events.add(ping());
        }
    }

    private static SseEvent ping() {
        return new SseEvent("ping", "{\"type\": \"ping\"}");
    }

    private static ObjectNode toolUseSkeleton(String id, String name) {
        ObjectNode skeleton = Json.object().put("type", "tool_use").put("id", id).put("name", name);
        skeleton.set("input", Json.object());
        return skeleton;
    }

    private static SseEvent blockStart(int index, ObjectNode skeleton) {
        ObjectNode start = Json.object().put("type", "content_block_start").put("index", index);
        start.set("content_block", skeleton);
        return event(start);
    }

    private static SseEvent delta(int index, ObjectNode delta) {
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        return event(event);
    }

    private static ObjectNode messageSkeleton(LlmResponse response) {
        return Json.object()
                .put("id", response.id())
                .put("type", "message")
                .put("role", "assistant")
                .put("model", response.model());
    }

    private static ObjectNode usage(Usage usage, long outputTokens) {
        return Json.object()
                .put("input_tokens", usage.inputTokens())
                .put("cache_creation_input_tokens", usage.cacheCreationInputTokens())
                .put("cache_read_input_tokens", usage.cacheReadInputTokens())
                .put("output_tokens", outputTokens);
    }
}
