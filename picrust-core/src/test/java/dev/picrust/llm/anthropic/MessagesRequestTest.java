package dev.picrust.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingConfig;
import dev.picrust.llm.ToolDefinition;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessagesRequestTest {
    private static final LlmRequest BASIC = LlmRequest.of("claude-x", List.of(Message.user("hi")), 100);

    @Test
    void minimalBodyOmitsEmptySystemAndToolsAndStreamFlag() throws IOException {
        assertThat(MessagesRequest.toJson(BASIC, "claude-x", false)).isEqualTo(Json.parse("""
                {"model":"claude-x","max_tokens":100,
                 "messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}"""));
    }

    @Test
    void streamingBodySaysSo() {
        assertThat(MessagesRequest.toJson(BASIC, "claude-x", true).get("stream").asBoolean()).isTrue();
    }

    @Test
    void systemIsAnArrayOfTextBlocksWithTheirCacheControl() throws IOException {
        JsonNode cache = Json.parse("{\"type\":\"ephemeral\"}");
        LlmRequest request = BASIC.withSystem(List.of(new TextBlock("be brief"),
                new TextBlock("project rules", Map.of("cache_control", cache))));
        assertThat(MessagesRequest.toJson(request, "claude-x", false).get("system")).isEqualTo(Json.parse("""
                [{"type":"text","text":"be brief"},
                 {"type":"text","text":"project rules","cache_control":{"type":"ephemeral"}}]"""));
    }

    @Test
    void toolsThinkingAndTemperature() throws IOException {
        ObjectNode schema = (ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":{}}");
        LlmRequest request = new LlmRequest("claude-x", List.of(), List.of(Message.user("hi")),
                List.of(new ToolDefinition("now", "time", schema)), 4000, Optional.of(new ThinkingConfig(2048)),
                Optional.of(1.0), Map.of());
        ObjectNode body = MessagesRequest.toJson(request, "claude-x", false);
        assertThat(body.get("tools")).isEqualTo(Json.parse(
                "[{\"name\":\"now\",\"description\":\"time\",\"input_schema\":{\"type\":\"object\",\"properties\":{}}}]"));
        assertThat(body.get("thinking")).isEqualTo(Json.parse("{\"type\":\"enabled\",\"budget_tokens\":2048}"));
        assertThat(body.get("temperature").asDouble()).isEqualTo(1.0);
    }

    @Test
    void extraBodyIsMergedAtTopLevelAndWinsExceptForStream() throws IOException {
        LlmRequest request = BASIC.withExtraBody(Map.of(
                "tool_choice", Json.parse("{\"type\":\"auto\"}"),
                "max_tokens", Json.parse("7"),
                "stream", Json.parse("false")));
        ObjectNode streaming = MessagesRequest.toJson(request, "claude-x", true);
        assertThat(streaming.get("tool_choice")).isEqualTo(Json.parse("{\"type\":\"auto\"}"));
        assertThat(streaming.get("max_tokens").asInt()).isEqualTo(7);
        assertThat(streaming.get("stream").asBoolean()).isTrue();
        assertThat(MessagesRequest.toJson(request, "claude-x", false).has("stream")).isFalse();
    }
}
