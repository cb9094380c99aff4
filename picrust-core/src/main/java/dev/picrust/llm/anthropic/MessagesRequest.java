package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolDefinition;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The JSON body of {@code POST /v1/messages} for an {@link LlmRequest}. */
final class MessagesRequest {
    private MessagesRequest() {}

    /**
     * The body as UTF-8 bytes, written without building a tree. {@code extraBody} fields win over
     * the modelled ones (it is the escape hatch for anything this version does not model): an extra
     * named like a modelled field is written in that field's place, the others after the modelled
     * fields, in their order. {@code stream} follows the call style whatever the extras say.
     */
    static byte[] toBytes(LlmRequest request, String model, boolean stream) {
        return Json.writeBytes(out -> write(out, request, model, stream));
    }

    static void write(JsonGenerator out, LlmRequest request, String model, boolean stream) throws IOException {
        Map<String, JsonNode> extra = request.extraBody();
        // Modelled fields an extra replaced in place; only needed when there are extras.
        Set<String> replaced = extra.isEmpty() ? Set.of() : new HashSet<>();
        out.writeStartObject();
        if (!replacedByExtra(out, "model", extra, replaced)) {
            out.writeStringField("model", model);
        }
        if (!replacedByExtra(out, "max_tokens", extra, replaced)) {
            out.writeNumberField("max_tokens", request.maxTokens());
        }
        if (!request.system().isEmpty() && !replacedByExtra(out, "system", extra, replaced)) {
            out.writeArrayFieldStart("system");
            for (TextBlock block : request.system()) {
                MessageCodec.write(out, block);
            }
            out.writeEndArray();
        }
        if (!replacedByExtra(out, "messages", extra, replaced)) {
            out.writeFieldName("messages");
            MessageCodec.write(out, request.messages());
        }
        if (!request.tools().isEmpty() && !replacedByExtra(out, "tools", extra, replaced)) {
            out.writeArrayFieldStart("tools");
            for (ToolDefinition tool : request.tools()) {
                MessageCodec.write(out, tool);
            }
            out.writeEndArray();
        }
        if (request.thinking().isPresent() && !replacedByExtra(out, "thinking", extra, replaced)) {
            out.writeObjectFieldStart("thinking");
            out.writeStringField("type", "enabled");
            out.writeNumberField("budget_tokens", request.thinking().get().budgetTokens());
            out.writeEndObject();
        }
        if (request.temperature().isPresent() && !replacedByExtra(out, "temperature", extra, replaced)) {
            out.writeNumberField("temperature", request.temperature().get().doubleValue());
        }
        boolean streamWritten = false;
        for (Map.Entry<String, JsonNode> field : extra.entrySet()) {
            String name = field.getKey();
            if (name.equals("stream")) {
                if (stream) {
                    out.writeBooleanField("stream", true);
                    streamWritten = true;
                }
            } else if (!replaced.contains(name)) {
                out.writeFieldName(name);
                Json.write(out, field.getValue());
            }
        }
        if (stream && !streamWritten) {
            out.writeBooleanField("stream", true);
        }
        out.writeEndObject();
    }

    /** Writes the extra named like a modelled field in that field's place, if there is one. */
    private static boolean replacedByExtra(JsonGenerator out, String name, Map<String, JsonNode> extra,
                                           Set<String> replaced) throws IOException {
        if (extra.isEmpty()) {
            return false;
        }
        JsonNode value = extra.get(name);
        if (value == null) {
            return false;
        }
        out.writeFieldName(name);
        Json.write(out, value);
        replaced.add(name);
        return true;
    }
}
