package dev.picrust.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmFixtures;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingConfig;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.sse.SseEvent;
import dev.picrust.llm.sse.SseReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MessagesRequestTest {
    private static final LlmRequest BASIC = LlmRequest.of("claude-x", List.of(Message.user("hi")), 100);

    /** The body the provider sends, parsed back for field checks. */
    private static ObjectNode body(LlmRequest request, String model, boolean stream) {
        try {
            return (ObjectNode) Json.parse(MessagesRequest.toBytes(request, model, stream));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void minimalBodyOmitsEmptySystemAndToolsAndStreamFlag() throws IOException {
        assertThat(body(BASIC, "claude-x", false)).isEqualTo(Json.parse("""
                {"model":"claude-x","max_tokens":100,
                 "messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}"""));
    }

    @Test
    void streamingBodySaysSo() {
        assertThat(body(BASIC, "claude-x", true).get("stream").asBoolean()).isTrue();
    }

    @Test
    void systemIsAnArrayOfTextBlocksWithTheirCacheControl() throws IOException {
        JsonNode cache = Json.parse("{\"type\":\"ephemeral\"}");
        LlmRequest request = BASIC.withSystem(List.of(new TextBlock("be brief"),
                new TextBlock("project rules", Map.of("cache_control", cache))));
        assertThat(body(request, "claude-x", false).get("system")).isEqualTo(Json.parse("""
                [{"type":"text","text":"be brief"},
                 {"type":"text","text":"project rules","cache_control":{"type":"ephemeral"}}]"""));
    }

    @Test
    void toolsThinkingAndTemperature() throws IOException {
        ObjectNode schema = (ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":{}}");
        LlmRequest request = new LlmRequest("claude-x", List.of(), List.of(Message.user("hi")),
                List.of(new ToolDefinition("now", "time", schema)), 4000, Optional.of(new ThinkingConfig(2048)),
                Optional.of(1.0), Map.of());
        ObjectNode body = body(request, "claude-x", false);
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
        ObjectNode streaming = body(request, "claude-x", true);
        assertThat(streaming.get("tool_choice")).isEqualTo(Json.parse("{\"type\":\"auto\"}"));
        assertThat(streaming.get("max_tokens").asInt()).isEqualTo(7);
        assertThat(streaming.get("stream").asBoolean()).isTrue();
        assertThat(body(request, "claude-x", false).has("stream")).isFalse();
    }

    // ---- differential: the streamed encoder gives exactly the bytes of the tree-built body it replaced

    private static void assertSameBytes(LlmRequest request) {
        for (boolean stream : new boolean[] {false, true}) {
            String tree = new String(Json.writeBytes(ReferenceRequestTree.toJson(request, "claude-x", stream)),
                    StandardCharsets.UTF_8);
            String streamed = new String(MessagesRequest.toBytes(request, "claude-x", stream), StandardCharsets.UTF_8);
            assertThat(streamed).as("stream=%s", stream).isEqualTo(tree);
        }
    }

    private static LlmRequest full(Map<String, JsonNode> extraBody) throws IOException {
        ObjectNode schema = (ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"string\"}}}");
        JsonNode cache = Json.parse("{\"type\":\"ephemeral\"}");
        return new LlmRequest("claude-x", List.of(new TextBlock("be brief"), new TextBlock("rules", Map.of("cache_control", cache))),
                List.of(Message.user("hi"), Message.assistant("hello")),
                List.of(new ToolDefinition("now", "time", schema), new ToolDefinition("later", "", schema, Map.of("cache_control", cache))),
                4000, Optional.of(new ThinkingConfig(2048)), Optional.of(0.7), extraBody);
    }

    @Test
    void streamedBodyEqualsTreeBytesForEveryOptionalPart() throws IOException {
        assertSameBytes(BASIC);
        assertSameBytes(full(Map.of()));
        assertSameBytes(BASIC.withExtraBody(Map.of("tool_choice", Json.parse("{\"type\":\"auto\"}"))));
        assertSameBytes(new LlmRequest("m", List.of(), List.of(), List.of(), 1, Optional.empty(), Optional.of(1.0), Map.of()));
    }

    @Test
    void streamedBodyEqualsTreeBytesWhenExtrasNameModelledFields() throws IOException {
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        extra.put("metadata", Json.parse("{\"user_id\":\"u\"}"));
        extra.put("stream", Json.parse("false"));
        extra.put("max_tokens", Json.parse("7"));
        extra.put("model", Json.parse("\"override\""));
        extra.put("temperature", Json.parse("0.25"));
        extra.put("tools", Json.parse("[]"));
        extra.put("system", Json.parse("\"plain system\""));
        extra.put("messages", Json.parse("[]"));
        extra.put("thinking", Json.parse("{\"type\":\"disabled\"}"));
        extra.put("output_config", Json.parse("{\"format\":{\"type\":\"json_schema\"}}"));
        assertSameBytes(full(extra));
        // The same extras where the modelled parts are absent: they are appended in extra order.
        assertSameBytes(BASIC.withExtraBody(extra));
        Map<String, JsonNode> streamLast = new LinkedHashMap<>();
        streamLast.put("top_k", Json.parse("5"));
        streamLast.put("stream", Json.parse("true"));
        streamLast.put("stop_sequences", Json.parse("[\"x\"]"));
        assertSameBytes(BASIC.withExtraBody(streamLast));
    }

    /** Messages of every recorded exchange and every recorded streamed answer, sent back as history. */
    @Test
    void streamedBodyEqualsTreeBytesForEveryFixture() throws IOException {
        List<Message> history = new ArrayList<>();
        List<ToolDefinition> tools = new ArrayList<>();
        for (String name : List.of("anthropic-http-stream-tool-roundtrip.json", "anthropic-http-429-429-then-stream.json",
                "anthropic-http-tool-use-then-400.json")) {
            for (JsonNode exchange : Json.parse(LlmFixtures.text(name))) {
                JsonNode body = exchange.get("request").get("body");
                body.get("messages").forEach(m -> history.add(MessageCodec.fromJson(m)));
                body.path("tools").forEach(t -> tools.add(MessageCodec.toolFromJson(t)));
                Map<String, JsonNode> extra = new LinkedHashMap<>();
                body.properties().forEach(f -> extra.put(f.getKey(), f.getValue()));
                extra.keySet().removeAll(List.of("model", "max_tokens", "messages", "tools", "stream"));
                LlmRequest request = new LlmRequest(body.get("model").asText(), List.of(),
                        body.get("messages").valueStream().map(MessageCodec::fromJson).toList(),
                        body.path("tools").valueStream().map(MessageCodec::toolFromJson).toList(),
                        body.get("max_tokens").asInt(), Optional.empty(), Optional.empty(), extra);
                assertSameBytes(request);
            }
        }
        try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(LlmFixtures.dir())) {
            for (java.nio.file.Path file : files.filter(f -> f.getFileName().toString().startsWith("anthropic-sse-")).toList()) {
                List<ContentBlock> content = recordedAnswer(java.nio.file.Files.readAllBytes(file));
                assertThat(content).as(file.toString()).isNotEmpty();
                history.add(Message.assistant(content));
            }
        }
        assertSameBytes(full(Map.of()).withMessages(history).withTools(tools));
    }

    private static List<ContentBlock> recordedAnswer(byte[] sse) throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(sse));
        MessageStreamAccumulator accumulator = new MessageStreamAccumulator(StreamListener.NONE);
        Optional<SseEvent> event;
        while (!accumulator.isComplete() && (event = reader.next()).isPresent()) {
            accumulator.accept(event.get());
        }
        return accumulator.finish().content();
    }
}
