package dev.picrust.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.json.Json;
import dev.picrust.llm.IncompleteToolUse;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmFixtures;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.RedactedThinkingBlock;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.UnknownBlock;
import dev.picrust.llm.Usage;
import dev.picrust.llm.sse.SseEvent;
import dev.picrust.llm.sse.SseReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MessageStreamAccumulatorTest {
    private final List<StreamEvent> heard = new ArrayList<>();

    /** Reads a whole SSE body the way the provider does. */
    static LlmResponse accumulate(byte[] sse, List<StreamEvent> heard) throws IOException {
        MessageStreamAccumulator accumulator = new MessageStreamAccumulator(heard::add);
        try (SseReader reader = new SseReader(new ByteArrayInputStream(sse))) {
            Optional<SseEvent> event;
            while (!accumulator.isComplete() && (event = reader.next()).isPresent()) {
                accumulator.accept(event.get());
            }
        }
        return accumulator.finish();
    }

    /** Replays a vercel/ai chunks file as Anthropic SSE: {@code event: <type>\ndata: <line>\n\n}. */
    static byte[] chunksAsSse(String jsonl) throws IOException {
        StringBuilder sse = new StringBuilder();
        for (String line : jsonl.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            sse.append("event: ").append(Json.parse(line).get("type").asText()).append('\n')
                    .append("data: ").append(line).append("\n\n");
        }
        return sse.toString().getBytes(StandardCharsets.UTF_8);
    }

    private LlmResponse accumulate(String sse) throws IOException {
        return accumulate(sse.getBytes(StandardCharsets.UTF_8), heard);
    }

    private static String event(String json) {
        try {
            return "event: " + Json.parse(json).get("type").asText() + "\ndata: " + json + "\n\n";
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String stream(String... blockEvents) {
        StringBuilder sb = new StringBuilder(event("""
                {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m",\
                "content":[],"stop_reason":null,"usage":{"input_tokens":10,"output_tokens":1}}}"""));
        for (String e : blockEvents) {
            sb.append(event(e));
        }
        sb.append(event("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}"));
        sb.append(event("{\"type\":\"message_stop\"}"));
        return sb.toString();
    }

    // ---- recorded fixtures: exactly the values their README lists

    @Test
    void textThenToolUseFixture() throws IOException {
        LlmResponse r = accumulate(LlmFixtures.bytes("anthropic-sse-text-then-tool-use.sse"), heard);
        assertThat(r.id()).isEqualTo("msg_019Q1hrJbZG26Fb9BQhrkHEr");
        assertThat(r.model()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(r.content()).hasSize(2);
        assertThat(r.content().get(0)).isEqualTo(new TextBlock("I'll check the current weather in Paris for you."));
        ToolUseBlock tool = (ToolUseBlock) r.content().get(1);
        assertThat(tool.id()).isEqualTo("toolu_01NRLabsLyVHZPKxbKvkfSMn");
        assertThat(tool.name()).isEqualTo("get_weather");
        assertThat(tool.input()).isEqualTo(Json.object().put("location", "Paris"));
        assertThat(tool.extras()).containsKey("caller");
        assertThat(r.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(r.usage()).isEqualTo(new Usage(377, 65, 0, 0));
        assertThat(r.incompleteToolUses()).isEmpty();
        assertThat(heard).containsExactly(
                new StreamEvent.TextDelta(0, "I"),
                new StreamEvent.TextDelta(0, "'ll check the current weather in Paris for you."),
                new StreamEvent.ToolUseStarted(1, "toolu_01NRLabsLyVHZPKxbKvkfSMn", "get_weather"));
    }

    @Test
    void maxTokensFixtureReportsTheCutOffToolCallAsIncomplete() throws IOException {
        LlmResponse r = accumulate(LlmFixtures.bytes("anthropic-sse-max-tokens-truncated-tool-input.sse"), heard);
        assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(r.usage().outputTokens()).isEqualTo(124);
        assertThat(r.usage().inputTokens()).isEqualTo(450);
        assertThat(r.content()).containsExactly(new TextBlock("I'll create a comprehensive tax guide for someone with "
                + "multiple W2s and save it in a file called taxes.txt. Let me do that for you now."));
        assertThat(r.toolUses()).isEmpty();
        assertThat(r.incompleteToolUses()).containsExactly(new IncompleteToolUse("toolu_01EKqbqmZrGRXy18eN7m9kvY",
                "make_file", "{\"filename\": \"taxes.txt\", \"lines_of_text\": [\n\"# COMPREHENSIVE TAX GUIDE FOR "
                + "INDIVIDUALS WITH MULTIPLE W-2s\",\n\"\",\n\"## INTRODUCTION\",\n\"\",\n\"Filing taxes"));
    }

    @Test
    void thinkingSignatureRefusalFixture() throws IOException {
        byte[] bytes = LlmFixtures.bytes("anthropic-sse-thinking-signature-refusal.sse");
        LlmResponse r = accumulate(bytes, heard);
        assertThat(r.content()).hasSize(2);
        ThinkingBlock thinking = (ThinkingBlock) r.content().get(0);
        assertThat(thinking.thinking()).hasSize(212)
                .startsWith("Simple educational question").endsWith("roll with it politely.");
        assertThat(thinking.signature()).hasSize(68)
                .isEqualTo("c3ludGhldGljLXNpZ25hdHVyZS1maXh0dXJlLWEtbm90LWEtcmVhbC1zaWduYXR1cmU=");
        assertThat(r.content().get(1)).isEqualTo(new TextBlock("Hi"));
        assertThat(r.stopReason()).isEqualTo(StopReason.REFUSAL);
        assertThat(r.usage()).isEqualTo(new Usage(28, 106, 0, 0));
        assertThat(heard).filteredOn(StreamEvent.ThinkingDelta.class::isInstance).as("empty delta not reported").hasSize(3);
        assertSignatureRoundTripsByteExact(thinking, new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void thinkingChunksFixture() throws IOException {
        String jsonl = LlmFixtures.text("anthropic-chunks-thinking-signature.jsonl");
        LlmResponse r = accumulate(chunksAsSse(jsonl), heard);
        ThinkingBlock thinking = (ThinkingBlock) r.content().get(0);
        assertThat(thinking.thinking())
                .isEqualTo("The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185")
                .hasSize(75);
        assertThat(thinking.signature()).hasSize(332).startsWith("EvQBCkYICxgCKkAxhD4N").endsWith("Ca17BgB");
        assertThat(r.content().get(1)).isEqualTo(new TextBlock("925 ÷ 5 = 185"));
        assertThat(r.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(r.usage().inputTokens()).isEqualTo(69);
        assertThat(r.usage().outputTokens()).isEqualTo(53);
        assertSignatureRoundTripsByteExact(thinking, jsonl);
    }

    /** The signature we would send back is byte for byte the one the stream carried. */
    private static void assertSignatureRoundTripsByteExact(ThinkingBlock thinking, String recorded) {
        Matcher m = Pattern.compile("\"signature_delta\",\"signature\":\"([^\"]*)\"").matcher(recorded);
        assertThat(m.find()).isTrue();
        String sent = MessageCodec.toJson(thinking).get("signature").asText();
        assertThat(sent.getBytes(StandardCharsets.UTF_8)).isEqualTo(m.group(1).getBytes(StandardCharsets.UTF_8));
    }

    // ---- edge cases

    @Test
    void toolUseWithoutInputDeltasHasEmptyObjectInput() throws IOException {
        LlmResponse r = accumulate(stream(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"now\",\"input\":{}}}",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t2\",\"name\":\"now\",\"input\":{}}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}",
                "{\"type\":\"content_block_stop\",\"index\":1}"));
        assertThat(r.toolUses()).extracting(ToolUseBlock::input).containsExactly(Json.object(), Json.object());
        assertThat(r.incompleteToolUses()).isEmpty();
    }

    @Test
    void stoppedToolUseWithUnparsableOrNonObjectInputIsMalformedSayingWhy() throws IOException {
        LlmResponse r = accumulate(stream(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"a\",\"input\":{}}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"x\\\": [1,\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t2\",\"name\":\"b\",\"input\":{}}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"[1,2]\"}}",
                "{\"type\":\"content_block_stop\",\"index\":1}"));
        assertThat(r.content()).isEmpty();
        assertThat(r.incompleteToolUses()).extracting(IncompleteToolUse::id, IncompleteToolUse::partialInputJson)
                .containsExactly(tuple("t1", "{\"x\": [1,"), tuple("t2", "[1,2]"));
        assertThat(r.incompleteToolUses().get(0).defect()).isEqualTo(new IncompleteToolUse.Defect.Malformed(
                "not valid JSON: Unexpected end-of-input within/between Array entries at line 1, column 10"));
        assertThat(r.incompleteToolUses().get(1).defect())
                .isEqualTo(new IncompleteToolUse.Defect.Malformed("a JSON array, not a JSON object"));
    }

    @Test
    void aToolUseWhoseInputDoesNotParseAtMaxTokensWasCutOff() throws IOException {
        String full = stream(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"a\",\"input\":{}}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"x\\\": [1,\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}");
        LlmResponse r = accumulate(full.replace("\"stop_reason\":\"end_turn\"", "\"stop_reason\":\"max_tokens\""));
        assertThat(r.incompleteToolUses()).containsExactly(new IncompleteToolUse("t1", "a", "{\"x\": [1,"));
        assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    }

    @Test
    void blocksAreKeyedByIndexNotPosition() throws IOException {
        LlmResponse r = accumulate(stream(
                "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"text_delta\",\"text\":\"second\"}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"first\"}}",
                "{\"type\":\"content_block_stop\",\"index\":3}",
                "{\"type\":\"content_block_stop\",\"index\":1}"));
        assertThat(r.content()).containsExactly(new TextBlock("first"), new TextBlock("second"));
        assertThat(heard).containsExactly(new StreamEvent.TextDelta(3, "second"), new StreamEvent.TextDelta(1, "first"));
    }

    @Test
    void unknownBlockTypesAreKeptWithTheirDeltasApplied() throws IOException {
        LlmResponse r = accumulate(stream(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"fallback\",\"text\":\"\",\"note\":1}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"abc\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"s1\",\"name\":\"web_search\",\"input\":{}}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\": \\\"x\\\"}\"}}",
                "{\"type\":\"content_block_stop\",\"index\":1}",
                "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"opaque==\"}}",
                "{\"type\":\"content_block_stop\",\"index\":2}"));
        assertThat(r.content()).hasSize(3);
        UnknownBlock fallback = (UnknownBlock) r.content().get(0);
        assertThat(Json.write(fallback.raw())).isEqualTo("{\"type\":\"fallback\",\"text\":\"abc\",\"note\":1}");
        UnknownBlock server = (UnknownBlock) r.content().get(1);
        assertThat(server.raw().get("input")).isEqualTo(Json.object().put("query", "x"));
        assertThat(r.content().get(2)).isEqualTo(new RedactedThinkingBlock("opaque=="));
        assertThat(heard).as("only text blocks report text deltas").isEmpty();
    }

    @Test
    void unknownEventsAndDeltaTypesAndPingsAreIgnored() throws IOException {
        LlmResponse r = accumulate(stream(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"ping\"}",
                "{\"type\":\"brand_new_event\",\"index\":0,\"stuff\":[1]}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"compaction_delta\",\"content\":\"zz\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}",
                "{\"type\":\"content_block_delta\",\"index\":9,\"delta\":{\"type\":\"text_delta\",\"text\":\"orphan\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}"));
        assertThat(r.content()).containsExactly(new TextBlock("ok"));
    }

    @Test
    void citationsDeltasAppendToTheTextBlock() throws IOException {
        LlmResponse r = accumulate(stream(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\",\"citations\":[]}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{\"type\":\"char_location\",\"cited_text\":\"c\"}}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"t\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}"));
        TextBlock text = (TextBlock) r.content().getFirst();
        assertThat(text.text()).isEqualTo("t");
        assertThat(text.extras().get("citations").get(0).get("cited_text").asText()).isEqualTo("c");
    }

    @Test
    void textCutOffIsKeptButOtherUnfinishedBlocksAreDropped() throws IOException {
        String sse = event("{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{\"input_tokens\":1}}}")
                + event("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + event("{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"partial\"}}")
                + event("{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"cut\"}}")
                + event("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":9}}")
                + event("{\"type\":\"message_stop\"}");
        LlmResponse r = accumulate(sse);
        assertThat(r.content()).containsExactly(new ThinkingBlock("hm", ""), new TextBlock("partial"));
    }

    @Test
    void usageTakesTheLatestValueOfEachField() throws IOException {
        String sse = event("{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{\"input_tokens\":5,"
                + "\"cache_read_input_tokens\":100,\"cache_creation_input_tokens\":7,\"output_tokens\":1}}}")
                + event("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":40,"
                + "\"input_tokens\":6,\"cache_read_input_tokens\":null}}")
                + event("{\"type\":\"message_stop\"}");
        assertThat(accumulate(sse).usage()).isEqualTo(new Usage(6, 40, 100, 7));
    }

    @Test
    void secondMessageStartBeginsAFreshMessage() throws IOException {
        String first = event("{\"type\":\"message_start\",\"message\":{\"id\":\"old\",\"model\":\"x\",\"usage\":{\"input_tokens\":1}}}")
                + event("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"stale\"}}");
        LlmResponse r = accumulate(first + stream(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"fresh\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}"));
        assertThat(r.id()).isEqualTo("msg_1");
        assertThat(r.content()).containsExactly(new TextBlock("fresh"));
    }

    @Test
    void errorEventBecomesAnExceptionRetryableWhenTransient() {
        String overloaded = event("{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{}}}")
                + "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n";
        assertThatThrownBy(() -> accumulate(overloaded))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.OVERLOADED);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("overloaded_error", "Overloaded");
                });
        String invalid = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"no\"}}\n\n";
        assertThatThrownBy(() -> accumulate(invalid))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void streamEndingBeforeTheMessageIsARetryableStreamError() {
        String cut = event("{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{}}}")
                + event("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        for (String body : List.of(cut, "")) {
            assertThatThrownBy(() -> accumulate(body))
                    .isInstanceOfSatisfying(LlmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LlmException.Kind.STREAM_ERROR);
                        assertThat(e.retryable()).isTrue();
                    });
        }
    }

    @Test
    void nonJsonDataIsAMalformedResponse() {
        assertThatThrownBy(() -> accumulate("event: message_start\ndata: {not json\n\n"))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.MALFORMED_RESPONSE));
    }

    @Test
    void eventNameFallsBackToTheDataTypeWhenMissing() throws IOException {
        String sse = "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{}}}\n\n"
                + "data: {\"type\":\"message_stop\"}\n\n";
        assertThat(accumulate(sse).id()).isEqualTo("m");
    }

    // ---- deltas, stops and pings are read without a tree; unusual shapes still decide as a tree does

    @Test
    void unusualDeltaShapesAreDecidedAsATreeWould() throws IOException {
        LlmResponse r = accumulate(stream(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0.0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":5}}",
                "{\"delta\":{\"text\":\"b\",\"extra\":{\"x\":[1,{}]},\"type\":\"text_delta\"},\"index\":0,\"type\":\"content_block_delta\"}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lost\"},"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"c\"}}",
                "{\"type\":\"content_block_delta\",\"index\":\"0\",\"delta\":{\"type\":\"text_delta\",\"text\":\"no index\"}}",
                "{\"type\":\"content_block_delta\",\"index\":4294967296,\"delta\":{\"type\":\"text_delta\",\"text\":\"too big\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":\"not an object\"}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0.0}"));
        assertThat(r.content()).containsExactly(new TextBlock("a5bc"));
        assertThat(heard).containsExactly(new StreamEvent.TextDelta(0, "a"), new StreamEvent.TextDelta(0, "5"),
                new StreamEvent.TextDelta(0, "b"), new StreamEvent.TextDelta(0, "c"));
    }

    @Test
    void malformedDeltaStopAndPingDataIsAMalformedResponse() {
        String start = "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}";
        for (String bad : List.of(
                "event: content_block_delta\ndata: {\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"\n\n",
                "event: content_block_delta\ndata: {\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}} {}\n\n",
                "event: content_block_delta\ndata: [1]\n\n",
                "event: content_block_stop\ndata: {\"index\":0,}\n\n",
                "event: ping\ndata: {\"type\": \"ping\"} trailing\n\n",
                "event: ping\ndata: \"ping\"\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"\n\n")) {
            String sse = event("{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{}}}")
                    + event(start) + bad;
            assertThatThrownBy(() -> accumulate(sse)).as(bad)
                    .isInstanceOfSatisfying(LlmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LlmException.Kind.MALFORMED_RESPONSE);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).startsWith("Anthropic stream event is not");
                    });
        }
    }

    @Test
    void messageStopWithUnusualMembersStillEndsTheMessage() throws IOException {
        String sse = event("{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{}}}")
                + "event: message_stop\ndata: {\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"n\":1}}\n\n"
                + "event: message_start\ndata: not even json\n\n";
        assertThat(accumulate(sse).id()).isEqualTo("m");
    }
}
