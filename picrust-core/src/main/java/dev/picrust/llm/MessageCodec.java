package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts messages, content blocks and tool definitions to and from the Anthropic Messages JSON
 * shape. That shape is also the session file format, so what a model sent comes back byte-for-byte
 * (unknown blocks and unknown fields included).
 */
public final class MessageCodec {
    // The modelled fields of each wire object, in wire order (MessageJsonWriter uses the same lists).
    static final List<String> TEXT_FIELDS = List.of("type", "text");
    static final List<String> MEDIA_FIELDS = List.of("type", "source");
    static final List<String> TOOL_USE_FIELDS = List.of("type", "id", "name", "input");
    static final List<String> TOOL_RESULT_FIELDS = List.of("type", "tool_use_id", "content", "is_error");
    static final List<String> THINKING_FIELDS = List.of("type", "thinking", "signature");
    static final List<String> REDACTED_FIELDS = List.of("type", "data");
    static final List<String> TOOL_FIELDS = List.of("name", "description", "input_schema");

    private MessageCodec() {}

    // ---- messages

    public static ObjectNode toJson(Message message) {
        ObjectNode node = Json.object();
        node.put("role", message.role().wire());
        node.set("content", blocksToJson(message.content()));
        return node;
    }

    public static Message fromJson(JsonNode node) {
        requireObject(node, "message");
        Role role = Role.fromWire(text(node, "role"));
        return new Message(role, blocksFromJson(node.get("content")));
    }

    public static ArrayNode toJson(List<Message> messages) {
        ArrayNode array = Json.array();
        messages.forEach(m -> array.add(toJson(m)));
        return array;
    }

    // ---- blocks

    public static ArrayNode blocksToJson(List<ContentBlock> blocks) {
        ArrayNode array = Json.array();
        blocks.forEach(b -> array.add(toJson(b)));
        return array;
    }

    /** Reads a content field: a plain string becomes one text block; null or missing, no blocks. */
    public static List<ContentBlock> blocksFromJson(JsonNode content) {
        if (content == null || content.isNull()) {
            return List.of();
        }
        if (content.isTextual()) {
            return List.of(new TextBlock(content.asText()));
        }
        if (!content.isArray()) {
            throw new IllegalArgumentException("content must be a string or an array, got " + content.getNodeType());
        }
        List<ContentBlock> blocks = new ArrayList<>(content.size());
        content.forEach(b -> blocks.add(fromJsonBlock(b)));
        return blocks;
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

    public static ContentBlock fromJsonBlock(JsonNode node) {
        requireObject(node, "content block");
        String type = text(node, "type");
        return switch (type) {
            case "text" -> new TextBlock(text(node, "text"), extras(node, TEXT_FIELDS));
            case "image" -> new ImageBlock(sourceFromJson(node.get("source")), extras(node, MEDIA_FIELDS));
            case "document" -> new DocumentBlock(sourceFromJson(node.get("source")), extras(node, MEDIA_FIELDS));
            case "tool_use" -> new ToolUseBlock(text(node, "id"), text(node, "name"),
                    node.hasNonNull("input") ? node.get("input").deepCopy() : Json.object(),
                    extras(node, TOOL_USE_FIELDS));
            case "tool_result" -> new ToolResultBlock(text(node, "tool_use_id"),
                    blocksFromJson(node.get("content")),
                    node.path("is_error").asBoolean(false),
                    extras(node, TOOL_RESULT_FIELDS));
            case "thinking" -> new ThinkingBlock(text(node, "thinking"),
                    node.path("signature").asText(""), extras(node, THINKING_FIELDS));
            case "redacted_thinking" -> new RedactedThinkingBlock(text(node, "data"), extras(node, REDACTED_FIELDS));
            default -> new UnknownBlock((ObjectNode) node);
        };
    }

    // ---- media sources

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

    public static MediaSource sourceFromJson(JsonNode node) {
        requireObject(node, "source");
        String type = node.path("type").asText("");
        // Only the exact modelled shapes become Base64 or Url; anything more stays verbatim.
        if (type.equals("base64") && node.size() == 3 && node.has("media_type") && node.has("data")) {
            return new MediaSource.Base64(text(node, "media_type"), text(node, "data"));
        }
        if (type.equals("url") && node.size() == 2 && node.has("url")) {
            return new MediaSource.Url(text(node, "url"));
        }
        return new MediaSource.Raw((ObjectNode) node);
    }

    // ---- tools

    public static ObjectNode toJson(ToolDefinition tool) {
        ObjectNode node = Json.object();
        node.put("name", tool.name());
        node.put("description", tool.description());
        node.set("input_schema", tool.inputSchema().deepCopy());
        tool.extras().forEach((k, v) -> node.set(k, v.deepCopy()));
        return node;
    }

    public static ToolDefinition toolFromJson(JsonNode node) {
        requireObject(node, "tool");
        return new ToolDefinition(text(node, "name"), node.path("description").asText(""),
                node.get("input_schema").deepCopy(), extras(node, TOOL_FIELDS));
    }

    // ---- helpers

    private static void requireObject(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("missing or non-string field '" + field + "' in " + node.path("type").asText("object"));
        }
        return value.asText();
    }

    /** The fields not in {@code known}, deep-copied, in wire order; no map is built when there are none (the usual case). */
    private static Map<String, JsonNode> extras(JsonNode node, List<String> known) {
        Map<String, JsonNode> extras = null;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!known.contains(e.getKey())) {
                if (extras == null) {
                    extras = new LinkedHashMap<>();
                }
                extras.put(e.getKey(), e.getValue().deepCopy());
            }
        }
        return extras == null ? Map.of() : extras;
    }
}
