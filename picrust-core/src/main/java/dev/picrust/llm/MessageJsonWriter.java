package dev.picrust.llm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes messages, content blocks and tool definitions straight to a {@link JsonGenerator}: the
 * same bytes as serialising {@link MessageCodec}'s trees, without building (and copying into) them.
 * A request body re-encodes the whole history on every model call, so this is the hot path.
 *
 * <p>The trees put unmodelled fields ({@code extras}) after the modelled ones, and an extra that
 * has a modelled field's name replaces that field's value in place. That case does not occur on the
 * wire; when it does occur the block is encoded through its tree, which keeps the bytes equal.
 */
public final class MessageJsonWriter {
    private static final Set<String> TEXT_FIELDS = Set.copyOf(MessageCodec.TEXT_FIELDS);
    private static final Set<String> MEDIA_FIELDS = Set.copyOf(MessageCodec.MEDIA_FIELDS);
    private static final Set<String> TOOL_USE_FIELDS = Set.copyOf(MessageCodec.TOOL_USE_FIELDS);
    private static final Set<String> TOOL_RESULT_FIELDS = Set.copyOf(MessageCodec.TOOL_RESULT_FIELDS);
    private static final Set<String> THINKING_FIELDS = Set.copyOf(MessageCodec.THINKING_FIELDS);
    private static final Set<String> REDACTED_FIELDS = Set.copyOf(MessageCodec.REDACTED_FIELDS);
    private static final Set<String> TOOL_FIELDS = Set.copyOf(MessageCodec.TOOL_FIELDS);

    private MessageJsonWriter() {}

    /** A message as its session history line (the bytes of {@code Json.writeBytes(MessageCodec.toJson(message))}). */
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
        if (overridesModelledField(block)) {
            Json.write(out, MessageCodec.toJson(block));
            return;
        }
        out.writeStartObject();
        out.writeStringField("type", block.type());
        switch (block) {
            case TextBlock b -> out.writeStringField("text", b.text());
            case ImageBlock b -> {
                out.writeFieldName("source");
                write(out, b.source());
            }
            case DocumentBlock b -> {
                out.writeFieldName("source");
                write(out, b.source());
            }
            case ToolUseBlock b -> {
                out.writeStringField("id", b.id());
                out.writeStringField("name", b.name());
                out.writeFieldName("input");
                Json.write(out, b.input());
            }
            case ToolResultBlock b -> {
                out.writeStringField("tool_use_id", b.toolUseId());
                List<ContentBlock> content = b.content();
                if (content.size() == 1 && content.getFirst() instanceof TextBlock t && t.extras().isEmpty()) {
                    out.writeStringField("content", t.text());
                } else if (!content.isEmpty()) {
                    out.writeFieldName("content");
                    writeBlocks(out, content);
                }
                if (b.isError()) {
                    out.writeBooleanField("is_error", true);
                }
            }
            case ThinkingBlock b -> {
                out.writeStringField("thinking", b.thinking());
                out.writeStringField("signature", b.signature());
            }
            case RedactedThinkingBlock b -> out.writeStringField("data", b.data());
            case UnknownBlock b -> throw new AssertionError("handled above");
        }
        writeExtras(out, block.extras());
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
        if (overrides(tool.extras(), TOOL_FIELDS)) {
            Json.write(out, MessageCodec.toJson(tool));
            return;
        }
        out.writeStartObject();
        out.writeStringField("name", tool.name());
        out.writeStringField("description", tool.description());
        out.writeFieldName("input_schema");
        Json.write(out, tool.inputSchema());
        writeExtras(out, tool.extras());
        out.writeEndObject();
    }

    private static void writeExtras(JsonGenerator out, Map<String, JsonNode> extras) throws IOException {
        if (extras.isEmpty()) {
            return;
        }
        for (Map.Entry<String, JsonNode> extra : extras.entrySet()) {
            out.writeFieldName(extra.getKey());
            Json.write(out, extra.getValue());
        }
    }

    private static boolean overridesModelledField(ContentBlock block) {
        Map<String, JsonNode> extras = block.extras();
        if (extras.isEmpty()) {
            return false;
        }
        return overrides(extras, switch (block) {
            case TextBlock b -> TEXT_FIELDS;
            case ImageBlock b -> MEDIA_FIELDS;
            case DocumentBlock b -> MEDIA_FIELDS;
            case ToolUseBlock b -> TOOL_USE_FIELDS;
            case ToolResultBlock b -> TOOL_RESULT_FIELDS;
            case ThinkingBlock b -> THINKING_FIELDS;
            case RedactedThinkingBlock b -> REDACTED_FIELDS;
            case UnknownBlock b -> Set.<String>of();
        });
    }

    private static boolean overrides(Map<String, JsonNode> extras, Set<String> modelled) {
        if (extras.isEmpty()) {
            return false;
        }
        for (String name : extras.keySet()) {
            if (modelled.contains(name)) {
                return true;
            }
        }
        return false;
    }
}
