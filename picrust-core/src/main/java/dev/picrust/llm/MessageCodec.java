package dev.picrust.llm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.picrust.json.Json;
import dev.picrust.json.JsonStreamWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one codec of messages, content blocks and tool definitions in the Anthropic Messages JSON
 * shape. That shape is both the wire format and the session file format, so what a model sent comes
 * back byte-for-byte (unknown blocks and unknown fields included).
 *
 * <p>There is one encoder: the {@code write} methods, straight to a {@link JsonGenerator}. A request
 * body re-encodes the whole history on every model call, and a session line is written per message,
 * so neither builds a tree. Callers that need a tree to embed or edit (hook input, output chunks)
 * get one built from the same writer's tokens ({@code toJson}), hence the same JSON.
 *
 * <p>Unmodelled fields ({@code extras}) follow the modelled ones in their own order. An extra named
 * like a modelled field (never the case for decoded wire data, whose extras exclude those names)
 * takes that field's place when the field is written, and is appended with the other extras when it
 * is not (an empty tool_result content, a false {@code is_error}).
 *
 * <p>Decoding reads a parsed tree: it runs when a session loads or a non-streamed answer arrives,
 * where the tree is needed anyway for {@link UnknownBlock}s and extras.
 */
public final class MessageCodec {
    private static final List<String> TEXT_FIELDS = List.of("type", "text");
    private static final List<String> MEDIA_FIELDS = List.of("type", "source");
    private static final List<String> TOOL_USE_FIELDS = List.of("type", "id", "name", "input");
    private static final List<String> TOOL_RESULT_FIELDS = List.of("type", "tool_use_id", "content", "is_error");
    private static final List<String> THINKING_FIELDS = List.of("type", "thinking", "signature");
    private static final List<String> REDACTED_FIELDS = List.of("type", "data");
    private static final List<String> TOOL_FIELDS = List.of("name", "description", "input_schema");

    private MessageCodec() {}

    // ---- encoding: the one writer

    /** A message as its session history line (compact UTF-8 JSON, no newline). */
    public static byte[] toBytes(Message message) {
        return Json.writeBytes(out -> write(out, message));
    }

    public static void write(JsonGenerator out, Message message) throws IOException {
        out.writeStartObject();
        out.writeStringField("role", message.role().wire());
        out.writeFieldName("content");
        writeBlocks(out, message.content());
        out.writeEndObject();
    }

    public static void write(JsonGenerator out, List<Message> messages) throws IOException {
        out.writeStartArray();
        for (Message message : messages) {
            write(out, message);
        }
        out.writeEndArray();
    }

    public static void writeBlocks(JsonGenerator out, List<? extends ContentBlock> blocks) throws IOException {
        out.writeStartArray();
        for (ContentBlock block : blocks) {
            write(out, block);
        }
        out.writeEndArray();
    }

    public static void write(JsonGenerator out, ContentBlock block) throws IOException {
        if (block instanceof UnknownBlock unknown) {
            Json.write(out, unknown.rawForReading());
            return;
        }
        Map<String, JsonNode> extras = block.extras();
        out.writeStartObject();
        string(out, "type", block.type(), extras);
        switch (block) {
            case TextBlock b -> string(out, "text", b.text(), extras);
            case ImageBlock b -> source(out, b.source(), extras);
            case DocumentBlock b -> source(out, b.source(), extras);
            case ToolUseBlock b -> {
                string(out, "id", b.id(), extras);
                string(out, "name", b.name(), extras);
                if (!extraInPlace(out, "input", extras)) {
                    out.writeFieldName("input");
                    Json.write(out, b.input());
                }
            }
            case ToolResultBlock b -> {
                string(out, "tool_use_id", b.toolUseId(), extras);
                List<ContentBlock> content = b.content();
                if (content.size() == 1 && content.getFirst() instanceof TextBlock t && t.extras().isEmpty()) {
                    string(out, "content", t.text(), extras);
                } else if (!content.isEmpty() && !extraInPlace(out, "content", extras)) {
                    out.writeFieldName("content");
                    writeBlocks(out, content);
                }
                if (b.isError() && !extraInPlace(out, "is_error", extras)) {
                    out.writeBooleanField("is_error", true);
                }
            }
            case ThinkingBlock b -> {
                string(out, "thinking", b.thinking(), extras);
                string(out, "signature", b.signature(), extras);
            }
            case RedactedThinkingBlock b -> string(out, "data", b.data(), extras);
            case UnknownBlock b -> throw new AssertionError("handled above");
        }
        if (!extras.isEmpty()) {
            for (Map.Entry<String, JsonNode> extra : extras.entrySet()) {
                if (!writtenInPlace(block, extra.getKey())) {
                    out.writeFieldName(extra.getKey());
                    Json.write(out, extra.getValue());
                }
            }
        }
        out.writeEndObject();
    }

    public static void write(JsonGenerator out, MediaSource source) throws IOException {
        switch (source) {
            case MediaSource.Base64 b -> {
                out.writeStartObject();
                out.writeStringField("type", "base64");
                out.writeStringField("media_type", b.mediaType());
                out.writeStringField("data", b.data());
                out.writeEndObject();
            }
            case MediaSource.Url u -> {
                out.writeStartObject();
                out.writeStringField("type", "url");
                out.writeStringField("url", u.url());
                out.writeEndObject();
            }
            case MediaSource.Raw r -> Json.write(out, r.json());
        }
    }

    public static void write(JsonGenerator out, ToolDefinition tool) throws IOException {
        Map<String, JsonNode> extras = tool.extras();
        out.writeStartObject();
        string(out, "name", tool.name(), extras);
        string(out, "description", tool.description(), extras);
        if (!extraInPlace(out, "input_schema", extras)) {
            out.writeFieldName("input_schema");
            Json.write(out, tool.inputSchema());
        }
        for (Map.Entry<String, JsonNode> extra : extras.entrySet()) {
            if (!TOOL_FIELDS.contains(extra.getKey())) {
                out.writeFieldName(extra.getKey());
                Json.write(out, extra.getValue());
            }
        }
        out.writeEndObject();
    }

    private static void string(JsonGenerator out, String name, String value, Map<String, JsonNode> extras)
            throws IOException {
        if (!extraInPlace(out, name, extras)) {
            out.writeStringField(name, value);
        }
    }

    private static void source(JsonGenerator out, MediaSource source, Map<String, JsonNode> extras) throws IOException {
        if (!extraInPlace(out, "source", extras)) {
            out.writeFieldName("source");
            write(out, source);
        }
    }

    /** Writes the extra named like this modelled field in the field's place, if there is one. */
    private static boolean extraInPlace(JsonGenerator out, String name, Map<String, JsonNode> extras)
            throws IOException {
        if (extras.isEmpty()) {
            return false;
        }
        JsonNode value = extras.get(name);
        if (value == null) {
            return false;
        }
        out.writeFieldName(name);
        Json.write(out, value);
        return true;
    }

    /** Whether the extra {@code name} went out in a modelled field's place (see {@link #write(JsonGenerator, ContentBlock)}). */
    private static boolean writtenInPlace(ContentBlock block, String name) {
        return switch (block) {
            case TextBlock b -> TEXT_FIELDS.contains(name);
            case ImageBlock b -> MEDIA_FIELDS.contains(name);
            case DocumentBlock b -> MEDIA_FIELDS.contains(name);
            case ToolUseBlock b -> TOOL_USE_FIELDS.contains(name);
            case ToolResultBlock b -> switch (name) {
                case "type", "tool_use_id" -> true;
                case "content" -> !b.content().isEmpty();
                case "is_error" -> b.isError();
                default -> false;
            };
            case ThinkingBlock b -> THINKING_FIELDS.contains(name);
            case RedactedThinkingBlock b -> REDACTED_FIELDS.contains(name);
            case UnknownBlock b -> false;
        };
    }

    // ---- trees, from the same writer

    public static ObjectNode toJson(Message message) {
        return (ObjectNode) tree(out -> write(out, message));
    }

    public static ArrayNode toJson(List<Message> messages) {
        return (ArrayNode) tree(out -> write(out, messages));
    }

    public static ArrayNode blocksToJson(List<? extends ContentBlock> blocks) {
        return (ArrayNode) tree(out -> writeBlocks(out, blocks));
    }

    public static ObjectNode toJson(ContentBlock block) {
        return (ObjectNode) tree(out -> write(out, block));
    }

    public static ObjectNode toJson(ToolDefinition tool) {
        return (ObjectNode) tree(out -> write(out, tool));
    }

    /** The tree of what {@code writer} writes; the buffer keeps every value's kind (int, long, double, binary). */
    private static JsonNode tree(JsonStreamWriter writer) {
        // Read back as written ("1.50" stays 1.50, as in the blocks): Json.tree keeps each number's kind.
        try (TokenBuffer tokens = new TokenBuffer((com.fasterxml.jackson.core.ObjectCodec) null, false)) {
            writer.write(tokens);
            return Json.tree(tokens.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- decoding

    public static Message fromJson(JsonNode node) {
        requireObject(node, "message");
        Role role = Role.fromWire(text(node, "role"));
        return new Message(role, blocksFromJson(node.get("content")));
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

    public static ToolDefinition toolFromJson(JsonNode node) {
        requireObject(node, "tool");
        return new ToolDefinition(text(node, "name"), node.path("description").asText(""),
                node.get("input_schema").deepCopy(), extras(node, TOOL_FIELDS));
    }

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
