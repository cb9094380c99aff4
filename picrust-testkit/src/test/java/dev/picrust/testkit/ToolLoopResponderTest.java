package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolLoopResponderTest {

    @Test
    void stepCountsAssistantTurnsSinceTheLastPlainPrompt() throws Exception {
        JsonNode messages = Json.parse("""
                [{"role":"user","content":"first prompt"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"x","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]},
                 {"role":"assistant","content":"done"},
                 {"role":"user","content":[{"type":"text","text":"second prompt"}]},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t2","name":"x","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t2","content":"ok"}]}]""");

        assertThat(ToolLoopResponder.stepOf(messages)).isEqualTo(1);
        assertThat(ToolLoopResponder.stepOf(Json.parse("[{\"role\":\"user\",\"content\":\"hi\"}]"))).isZero();
    }

    @Test
    void answersToolCallsThenText() throws Exception {
        ToolLoopResponder responder = new ToolLoopResponder(2, "echo");
        RecordedRequest atStart = requestWith("""
                [{"role":"user","content":"go"}]""");
        RecordedRequest afterTwo = requestWith("""
                [{"role":"user","content":"go"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"echo","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t2","name":"echo","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t2","content":"ok"}]}]""");

        ServerStep.Raw first = (ServerStep.Raw) responder.apply(atStart);
        ServerStep.Raw last = (ServerStep.Raw) responder.apply(afterTwo);

        JsonNode firstMessage = Json.parse(new String(first.body(), StandardCharsets.UTF_8));
        assertThat(firstMessage.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(firstMessage.path("content").get(0).path("name").asText()).isEqualTo("echo");
        assertThat(firstMessage.path("content").get(0).path("input")).isEqualTo(Json.object().put("step", 0));
        JsonNode lastMessage = Json.parse(new String(last.body(), StandardCharsets.UTF_8));
        assertThat(lastMessage.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(lastMessage.path("content").get(0).path("text").asText()).isEqualTo("Done after 2 tool calls.");
    }

    private static RecordedRequest requestWith(String messages) throws Exception {
        var body = Json.object().put("model", "m").put("max_tokens", 10);
        body.set("messages", Json.parse(messages));
        return new RecordedRequest("POST", "/v1/messages", "", Map.of(), body, Instant.now());
    }
}
