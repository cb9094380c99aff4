package dev.picrust.hook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.Usage;
import dev.picrust.tool.ToolResult;

/** JSON forms of the model types that command hooks see. */
final class HookJson {
    private HookJson() {}

    static ObjectNode toolResult(ToolResult result) {
        ObjectNode n = Json.object();
        n.set("content", MessageCodec.blocksToJson(result.content()));
        n.put("is_error", result.isError());
        return n;
    }

    /** The parts of a request a hook can judge; tool schemas are left out (they are large and static). */
    static ObjectNode request(LlmRequest request) {
        ObjectNode n = Json.object();
        n.put("model", request.model());
        n.put("max_tokens", request.maxTokens());
        ArrayNode system = n.putArray("system");
        request.system().forEach(b -> system.add(MessageCodec.toJson(b)));
        n.set("messages", MessageCodec.toJson(request.messages()));
        ArrayNode tools = n.putArray("tools");
        request.tools().stream().map(ToolDefinition::name).forEach(tools::add);
        return n;
    }

    static ObjectNode response(LlmResponse response) {
        ObjectNode n = Json.object();
        n.put("id", response.id());
        n.put("model", response.model());
        n.set("content", MessageCodec.blocksToJson(response.content()));
        n.put("stop_reason", response.stopReason().wire());
        n.set("usage", usage(response.usage()));
        return n;
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode n = Json.object();
        n.put("input_tokens", usage.inputTokens());
        n.put("output_tokens", usage.outputTokens());
        n.put("cache_read_input_tokens", usage.cacheReadInputTokens());
        n.put("cache_creation_input_tokens", usage.cacheCreationInputTokens());
        return n;
    }
}
