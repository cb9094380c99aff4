package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ToolLoopPositionTest {

    @Test
    void readsStreamAndStepOfAProviderShapedBody() {
        var body = Json.object().put("model", "m").put("max_tokens", 1024);
        body.put("system", "You are a \"test\" agent.\n\tBe brief \\ exact.");
        body.set("tools", Json.array().add(Json.object().put("name", "echo").put("description", "Echoes")
                .set("input_schema", Json.object().put("type", "object").set("properties", Json.object()))));
        var messages = body.putArray("messages");
        messages.add(MessageCodec.toJson(Message.user("first prompt with \"quotes\" and {\"role\":\"user\"}")));
        messages.add(MessageCodec.toJson(Message.assistant(List.of(new TextBlock("calling"),
                new ToolUseBlock("t1", "echo", Json.object().put("role", "assistant").put("n", -1.5e3))))));
        messages.add(MessageCodec.toJson(Message.user(List.of(ToolResultBlock.text("t1", "ok", false)))));
        messages.add(MessageCodec.toJson(Message.assistant(List.of(
                new ToolUseBlock("t2", "echo", Json.object().put("step", 1))))));
        messages.add(MessageCodec.toJson(Message.user(List.of(ToolResultBlock.text("t2", "ok", false)))));
        body.put("stream", true);

        assertThat(scan(Json.write(body))).contains(new ToolLoopPosition(true, 2));
        assertSameAsTree(Json.write(body));
    }

    @Test
    void aPlainPromptStartsTheCountAgain() {
        String body = """
                {"messages":[{"role":"user","content":"first prompt"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"x","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]},
                 {"role":"assistant","content":"done"},
                 {"role":"user","content":[{"type":"text","text":"second prompt"}]},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t2","name":"x","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t2","content":"ok"}]}],
                 "stream" : false }
                """;
        assertThat(scan(body)).contains(new ToolLoopPosition(false, 1));
        assertSameAsTree(body);
    }

    /** Bodies the scan answers; each must agree with the tree path. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "  {\"messages\":[]}  ",
            "{\"stream\":true}",
            "{\"messages\":[{\"role\":\"assistant\"},{\"role\":\"system\"},{\"content\":[]}],\"stream\":true}",
            "{\"messages\":[{\"role\":\"assistant\"}],\"messages\":[]}",
            "{\"stream\":true,\"stream\":false}",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\"},{\"type\":\"text\"}]},{\"role\":\"assistant\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":[1,\"tool_result\",null,[],{\"type\":7}]},{\"role\":\"assistant\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"type\":\"text\"}]},{\"role\":\"assistant\"}]}",
            "{\"messages\":[{\"role\":\"assistant\",\"role\":\"user\"},{\"role\":\"assistant\"}]}",
            "{\"messages\":[{\"role\":\"assistant\"},{\"role\":\"user\",\"content\":\"tool_result\"},{\"role\":\"assistant\"}]}",
            "{\"x\":[1,-0,0.5,1e9,-2.5E-3,true,false,null,{\"a\":{\"b\":[]}}],\"y\":\"\\u00e9\\n\\\"\"}",
    })
    void agreesWithTheTreePath(String body) {
        assertThat(scan(body)).isPresent();
        assertSameAsTree(body);
    }

    /** Bodies the scan leaves to the tree path: malformed, non-ASCII, escaped names, odd types. */
    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "   ",
            "[]",
            "not json",
            "{\"messages\":[]} trailing",
            "{\"messages\":[],}",
            "{\"messages\":[{\"role\":\"assistant\"},]}",
            "{\"messages\":[{\"role\":\"assistant\"}]",
            "{\"stream\":1}",
            "{\"stream\":\"true\"}",
            "{\"stream\":tru}",
            "{\"stream\":truex}",
            "{\"messages\":{}}",
            "{\"messages\":[\"user\"]}",
            "{\"messages\":[{\"role\":1}]}",
            "{\"messages\":[{\"r\\u006fle\":\"assistant\"}]}",
            "{\"messages\":[{\"role\":\"assist\\u0061nt\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_r\\u0065sult\"}]}]}",
            "{\"x\":\"caf\u00e9\"}",
            "{\"x\":\"a\tb\"}",
            "{\"x\":\"\\q\"}",
            "{\"x\":\"\\u12\"}",
            "{\"x\":01}",
            "{\"x\":1.}",
            "{\"x\":-}",
            "{\"x\":+1}",
            "{\"x\":.5}",
            "{\"x\":1e}",
            "{\"x\" 1}",
            "{x:1}",
            "{\"x\":\"unterminated}",
    })
    void leavesOddBodiesToTheTreePath(String body) {
        assertThat(scan(body)).isEmpty();
    }

    @Test
    void deepNestingIsLeftToTheTreePath() {
        String deep = "{\"x\":" + "[".repeat(300) + "]".repeat(300) + "}";
        assertThat(scan(deep)).isEmpty();
        String shallow = "{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertThat(scan(shallow)).contains(new ToolLoopPosition(false, 0));
    }

    private static Optional<ToolLoopPosition> scan(String body) {
        return ToolLoopPosition.scan(body.getBytes(StandardCharsets.UTF_8));
    }

    /** What ToolLoopResponder.apply reads from the body MockLlmServer parses. */
    private static void assertSameAsTree(String body) {
        JsonNode tree;
        try {
            tree = body.isEmpty() ? NullNode.getInstance() : Json.parse(body);
        } catch (IOException e) {
            tree = TextNode.valueOf(body);
        }
        ToolLoopPosition expected = new ToolLoopPosition(tree.path("stream").asBoolean(false),
                ToolLoopResponder.stepOf(tree.path("messages")));
        assertThat(scan(body)).contains(expected);
    }
}
