package dev.picrust.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Differential: the codec's one writer gives exactly the bytes of the tree encoder it replaced
 * ({@link ReferenceTreeEncoder}), for session lines and for the trees handed to hooks and chunks.
 */
class MessageCodecBytesTest {

    private static JsonNode json(String text) {
        try {
            return Json.parse(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertSameBytes(Message message) {
        byte[] reference = Json.writeBytes(ReferenceTreeEncoder.toJson(message));
        byte[] line = MessageCodec.toBytes(message);
        assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo(new String(reference, StandardCharsets.UTF_8));
        assertThat(line).isEqualTo(reference);
        assertThat(Json.writeBytes(MessageCodec.toJson(message))).isEqualTo(reference);
        assertThat(Json.writeBytes(MessageCodec.blocksToJson(message.content())))
                .isEqualTo(Json.writeBytes(ReferenceTreeEncoder.blocksToJson(message.content())));
    }

    private static void assertSameBytes(ToolDefinition tool) {
        byte[] reference = Json.writeBytes(ReferenceTreeEncoder.toJson(tool));
        byte[] streamed = Json.writeBytes(out -> MessageCodec.write(out, tool));
        assertThat(new String(streamed, StandardCharsets.UTF_8)).isEqualTo(new String(reference, StandardCharsets.UTF_8));
        assertThat(Json.writeBytes(MessageCodec.toJson(tool))).isEqualTo(reference);
    }

    /** Every kind of tree node, including the ones only the mapper can write. */
    private static Map<String, JsonNode> everyNodeKind() {
        ObjectNode n = Json.object();
        n.put("int", 7).put("negative", -3).put("long", 1L << 40).put("double", 0.1).put("float", 1.5f)
                .put("short", (short) 12).put("big_int", new BigInteger("123456789012345678901234567890"))
                .put("big_decimal", new BigDecimal("1.50")).put("true", true).put("false", false)
                .put("text", "quote \" backslash \\ newline \n tab \t nul \u0000 e\u0301 \u2028 snowman \u2603 \uD83D\uDE00")
                .putNull("null");
        n.put("binary", new byte[] {1, 2, 3});
        n.putPOJO("pojo", List.of("a", 1));
        n.putArray("empty_array");
        n.putObject("empty_object");
        n.putArray("nested").add(1).add("two").addNull().addObject().put("deep", json("[[],[{}],{\"k\":[1.0e300]}]").toString());
        Map<String, JsonNode> extras = new LinkedHashMap<>();
        extras.put("cache_control", json("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"));
        extras.put("kinds", n);
        extras.put("citations", json("[{\"type\":\"char_location\",\"cited_text\":\"x\",\"start_char_index\":0}]"));
        return extras;
    }

    @Test
    void everyBlockKindWithAndWithoutExtras() {
        Map<String, JsonNode> extras = everyNodeKind();
        ObjectNode rawSource = (ObjectNode) json("{\"type\":\"content\",\"content\":[{\"type\":\"text\",\"text\":\"t\"}]}");
        List<ContentBlock> blocks = new ArrayList<>();
        for (Map<String, JsonNode> e : List.of(Map.<String, JsonNode>of(), extras)) {
            blocks.add(new TextBlock("hello \"world\" ü", e));
            blocks.add(new TextBlock("", e));
            blocks.add(new ImageBlock(new MediaSource.Base64("image/png", "iVBORw0KGgo="), e));
            blocks.add(new ImageBlock(new MediaSource.Url("https://example.com/a.png?x=1&y=\u00e9"), e));
            blocks.add(new DocumentBlock(new MediaSource.Raw(rawSource), e));
            blocks.add(new DocumentBlock(new MediaSource.Base64("application/pdf", "JVBERi0="), e));
            blocks.add(new ToolUseBlock("toolu_1", "Read", json("{\"file_path\":\"/a\",\"n\":[1,2.5,null,true]}"), e));
            blocks.add(new ToolUseBlock("toolu_2", "Empty", Json.object(), e));
            blocks.add(new ToolResultBlock("toolu_1", List.of(new TextBlock("plain")), false, e));
            blocks.add(new ToolResultBlock("toolu_1", List.of(new TextBlock("plain")), true, e));
            blocks.add(new ToolResultBlock("toolu_1", List.of(), false, e));
            blocks.add(new ToolResultBlock("toolu_1", List.of(new TextBlock("cached", extras)), false, e));
            blocks.add(new ToolResultBlock("toolu_1", List.of(new TextBlock("a"),
                    new ImageBlock(new MediaSource.Base64("image/png", "AAA")),
                    new DocumentBlock(new MediaSource.Url("https://example.com/d.pdf"), extras),
                    new UnknownBlock((ObjectNode) json("{\"type\":\"search_result\",\"source\":\"s\"}"))), true, e));
            blocks.add(new ThinkingBlock("let me think\n", "EqQBCkYIBxgCKkB+/==", e));
            blocks.add(new RedactedThinkingBlock("opaque==", e));
        }
        blocks.add(new UnknownBlock((ObjectNode) json(
                "{\"type\":\"server_tool_use\",\"id\":\"srv_1\",\"name\":\"web_search\",\"input\":{\"q\":\"a\"},\"x\":1.25}")));
        blocks.add(new UnknownBlock((ObjectNode) json("{\"no_type\":true}")));
        for (ContentBlock block : blocks) {
            assertSameBytes(Message.user(List.of(block)));
        }
        assertSameBytes(Message.assistant(blocks));
        assertSameBytes(Message.user(List.of()));
    }

    @Test
    void extrasNamedLikeModelledFieldsTakeTheirPlaceAsInTheTree() {
        List<ContentBlock> blocks = List.of(
                new TextBlock("hi", Map.of("text", json("\"other\""))),
                new TextBlock("hi", Map.of("type", json("\"weird\""))),
                new ToolUseBlock("t1", "n", Json.object(), Map.of("input", json("{\"x\":1}"))),
                new ToolResultBlock("t1", List.of(), false, Map.of("content", json("\"late\""), "is_error", json("true"))),
                new ToolResultBlock("t1", List.of(new TextBlock("x")), true, Map.of("is_error", json("false"))),
                new ThinkingBlock("t", "s", Map.of("signature", json("\"s2\""))),
                new RedactedThinkingBlock("d", Map.of("data", json("1"))),
                new ImageBlock(new MediaSource.Url("u"), Map.of("source", json("null"))));
        for (ContentBlock block : blocks) {
            assertSameBytes(Message.assistant(List.of(block)));
        }
        assertSameBytes(new ToolDefinition("n", "d", Json.object(), Map.of("description", json("\"x\""))));
    }

    @Test
    void toolDefinitions() {
        assertSameBytes(new ToolDefinition("get_weather", "Weather \"now\"",
                json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}")));
        assertSameBytes(new ToolDefinition("t", "", Json.object(), everyNodeKind()));
    }

    @Test
    void sessionStyleHistoryRoundTrip() throws IOException {
        String line = """
            {"role":"assistant","content":[
              {"type":"thinking","thinking":"hmm","signature":"EqQBCkYIBxgCKkB+/=="},
              {"type":"redacted_thinking","data":"abc"},
              {"type":"text","text":"hi","citations":[{"x":1}]},
              {"type":"server_tool_use","id":"srv_1","name":"web_search","input":{"q":"a"}},
              {"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"a"},"caller":{"type":"direct"}},
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"doc"},"title":"T"}
            ]}""";
        Message message = MessageCodec.fromJson(Json.parse(line));
        assertSameBytes(message);
        assertThat(MessageCodec.fromJson(Json.parse(MessageCodec.toBytes(message)))).isEqualTo(message);
    }

    /**
     * Every message of the recorded request bodies comes back with the JSON it was sent with (in our
     * field order; content sent as a plain string is read as one text block), and a line read back
     * is written again byte for byte: what a session stores is what it loads.
     */
    @Test
    void recordedRequestMessagesEncodeToTheirOwnBytes() throws IOException {
        int messages = 0;
        for (String name : List.of("anthropic-http-stream-tool-roundtrip.json", "anthropic-http-429-429-then-stream.json",
                "anthropic-http-tool-use-then-400.json")) {
            for (JsonNode exchange : Json.parse(LlmFixtures.text(name))) {
                for (JsonNode sent : exchange.get("request").get("body").get("messages")) {
                    if (!sent.get("content").isArray()) {
                        continue;
                    }
                    Message message = MessageCodec.fromJson(sent);
                    byte[] line = MessageCodec.toBytes(message);
                    assertThat(Json.parse(line)).isEqualTo(sent);
                    assertThat(MessageCodec.toBytes(MessageCodec.fromJson(Json.parse(line)))).isEqualTo(line);
                    assertSameBytes(message);
                    messages++;
                }
            }
        }
        assertThat(messages).isGreaterThanOrEqualTo(3);
    }
}
