package dev.picrust.llm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.util.List;

/**
 * The tree encoder that {@link MessageCodec}'s streaming writer replaced, kept unchanged as the
 * oracle of the differential tests: session lines and request bodies must stay byte for byte what
 * it gave (the session files written before the change, and the recorded request bodies).
 */
public final class ReferenceTreeEncoder {
    private ReferenceTreeEncoder() {}

    public static ObjectNode toJson(Message message) {
        ObjectNode node = Json.object();
        node.put("role", message.role().wire());
        node.set("content", blocksToJson(message.content()));
        return node;
    }

    public static ArrayNode toJson(List<Message> messages) {
        ArrayNode array = Json.array();
        messages.forEach(m -> array.add(toJson(m)));
        return array;
    }

    public static ArrayNode blocksToJson(List<ContentBlock> blocks) {
        ArrayNode array = Json.array();
        blocks.forEach(b -> array.add(toJson(b)));
        return array;
    }

    public static ObjectNode toJson(ContentBlock block) {
        if (block instanceof UnknownBlock unknown) {
            return unknown.raw();
        }
        ObjectNode node = Json.object();
        node.put("type", block.type());
        switch (block) {
            case TextBlock b -> node.put("text", b.text());
            case ImageBlock b -> node.set("source", sourceToJson(b.source()));
            case DocumentBlock b -> node.set("source", sourceToJson(b.source()));
            case ToolUseBlock b -> {
                node.put("id", b.id());
                node.put("name", b.name());
                node.set("input", b.input().deepCopy());
            }
            case ToolResultBlock b -> {
                node.put("tool_use_id", b.toolUseId());
                if (b.content().size() == 1 && b.content().getFirst() instanceof TextBlock t && t.extras().isEmpty()) {
                    node.put("content", t.text());
                } else if (!b.content().isEmpty()) {
                    node.set("content", blocksToJson(b.content()));
                }
                if (b.isError()) {
                    node.put("is_error", true);
                }
            }
            case ThinkingBlock b -> {
                node.put("thinking", b.thinking());
                node.put("signature", b.signature());
            }
            case RedactedThinkingBlock b -> node.put("data", b.data());
            case UnknownBlock b -> throw new AssertionError("handled above");
        }
        block.extras().forEach((k, v) -> node.set(k, v.deepCopy()));
        return node;
    }

    public static ObjectNode sourceToJson(MediaSource source) {
        return switch (source) {
            case MediaSource.Base64 b -> {
                ObjectNode n = Json.object();
                n.put("type", "base64");
                n.put("media_type", b.mediaType());
                n.put("data", b.data());
                yield n;
            }
            case MediaSource.Url u -> {
                ObjectNode n = Json.object();
                n.put("type", "url");
                n.put("url", u.url());
                yield n;
            }
            case MediaSource.Raw r -> r.json().deepCopy();
        };
    }

    public static ObjectNode toJson(ToolDefinition tool) {
        ObjectNode node = Json.object();
        node.put("name", tool.name());
        node.put("description", tool.description());
        node.set("input_schema", tool.inputSchema().deepCopy());
        tool.extras().forEach((k, v) -> node.set(k, v.deepCopy()));
        return node;
    }
}
