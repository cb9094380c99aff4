package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.MessageCodec;

/** The JSON body of {@code POST /v1/messages} for an {@link LlmRequest}. */
final class MessagesRequest {
    private MessagesRequest() {}

    /**
     * Builds the body. {@code extraBody} fields are written last and win over the modelled ones
     * (it is the escape hatch for anything this version does not model), except {@code stream},
     * which follows the call style.
     */
    static ObjectNode toJson(LlmRequest request, String model, boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", model);
        body.put("max_tokens", request.maxTokens());
        if (!request.system().isEmpty()) {
            ArrayNode system = body.putArray("system");
            request.system().forEach(block -> system.add(MessageCodec.toJson(block)));
        }
        body.set("messages", MessageCodec.toJson(request.messages()));
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(tool -> tools.add(MessageCodec.toJson(tool)));
        }
        request.thinking().ifPresent(thinking -> {
            ObjectNode node = body.putObject("thinking");
            node.put("type", "enabled");
            node.put("budget_tokens", thinking.budgetTokens());
        });
        request.temperature().ifPresent(t -> body.put("temperature", t));
        request.extraBody().forEach((name, value) -> body.set(name, value.deepCopy()));
        if (stream) {
            body.put("stream", true);
        } else {
            body.remove("stream");
        }
        return body;
    }
}
