package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.ReferenceTreeEncoder;

/**
 * The tree-built request body that {@link MessagesRequest}'s streaming writer replaced, kept
 * unchanged as the oracle of the differential tests: request bodies stay byte for byte the same.
 */
final class ReferenceRequestTree {
    private ReferenceRequestTree() {}

    static ObjectNode toJson(LlmRequest request, String model, boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", model);
        body.put("max_tokens", request.maxTokens());
        if (!request.system().isEmpty()) {
            ArrayNode system = body.putArray("system");
            request.system().forEach(block -> system.add(ReferenceTreeEncoder.toJson(block)));
        }
        body.set("messages", ReferenceTreeEncoder.toJson(request.messages()));
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(tool -> tools.add(ReferenceTreeEncoder.toJson(tool)));
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
