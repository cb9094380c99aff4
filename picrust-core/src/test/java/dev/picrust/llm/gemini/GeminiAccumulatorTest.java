package dev.picrust.llm.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.json.Json;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiAccumulatorTest {
    private final List<StreamEvent> heard = new ArrayList<>();

    private LlmResponse read(String... chunks) throws IOException {
        StringBuilder sse = new StringBuilder();
        for (String chunk : chunks) {
            sse.append("data: ").append(chunk).append("\r\n\r\n");
        }
        GeminiWire wire = new GeminiWire(GeminiConfig.builder("k").build());
        return wire.readStream(new dev.picrust.llm.sse.SseReader(new ByteArrayInputStream(sse.toString().getBytes(StandardCharsets.UTF_8))), heard::add);
    }

    private static String parts(String parts) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":" + parts + "},\"index\":0}],"
                + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp-1\"}";
    }

    private static String last(String parts, String reason) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":" + parts + "},\"finishReason\":\"" + reason
                + "\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":50,\"candidatesTokenCount\":7,"
                + "\"thoughtsTokenCount\":3,\"totalTokenCount\":60}}";
    }

    @Test
    void textPiecesJoinThoughtsBecomeThinkingAndSignaturesStay() throws IOException {
        LlmResponse response = read(
                parts("[{\"text\":\"Let me \",\"thought\":true}]"),
                parts("[{\"text\":\"think.\",\"thought\":true,\"thoughtSignature\":\"c2ln\"}]"),
                parts("[{\"text\":\"Hello \"}]"),
                last("[{\"text\":\"world\"}]", "STOP"));
        assertThat(response.content()).containsExactly(new ThinkingBlock("Let me think.", "c2ln"), new TextBlock("Hello world"));
        assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(response.usage()).isEqualTo(new Usage(50, 10, 0, 0));
        assertThat(response.id()).isEqualTo("resp-1");
        assertThat(response.model()).isEqualTo("gemini-2.5-flash");
        assertThat(heard).contains(new StreamEvent.ThinkingDelta(0, "Let me "), new StreamEvent.TextDelta(1, "world"));
    }

    @Test
    void functionCallsGetUniqueIdsAndKeepTheirSignature() throws IOException {
        LlmResponse first = read(last("[{\"functionCall\":{\"name\":\"Read\",\"args\":{\"p\":1}},\"thoughtSignature\":\"sigA\"},"
                + "{\"functionCall\":{\"name\":\"Read\",\"args\":{\"p\":2}}}]", "STOP"));
        LlmResponse second = read(last("[{\"functionCall\":{\"name\":\"Read\",\"args\":{}}}]", "STOP"));
        assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
        List<ToolUseBlock> calls = new ArrayList<>(first.toolUses());
        calls.addAll(second.toolUses());
        assertThat(calls).extracting(ToolUseBlock::id).doesNotHaveDuplicates().allMatch(id -> id.startsWith("call_"));
        assertThat(calls.getFirst().extras().get("thoughtSignature").asText()).isEqualTo("sigA");
        assertThat(calls.get(1).extras()).isEmpty();
        assertThat(calls.get(1).input()).isEqualTo(Json.object().put("p", 2));
    }

    @Test
    void geminisOwnCallIdIsKept() throws IOException {
        LlmResponse response = read(last("[{\"functionCall\":{\"id\":\"fc-7\",\"name\":\"Read\",\"args\":{}}}]", "STOP"));
        assertThat(response.toolUses().getFirst().id()).isEqualTo("fc-7");
    }

    @Test
    void aSignatureOnATrailingEmptyTextPartStaysWithTheText() throws IOException {
        // Streams often send the signature last, on an empty text part: it belongs to the text before it.
        LlmResponse response = read(parts("[{\"text\":\"Done.\"}]"), last("[{\"text\":\"\",\"thoughtSignature\":\"tail\"}]", "STOP"));
        assertThat(response.content()).hasSize(1);
        assertThat(response.content().getFirst()).isInstanceOfSatisfying(TextBlock.class, t -> {
            assertThat(t.text()).isEqualTo("Done.");
            assertThat(t.extras().get("thoughtSignature").asText()).isEqualTo("tail");
        });
        LlmResponse alone = read(last("[{\"text\":\"\",\"thoughtSignature\":\"only\"}]", "STOP"));
        assertThat(alone.content()).hasSize(1);
    }

    @Test
    void finishReasonsMap() throws IOException {
        assertThat(read(last("[{\"text\":\"cut\"}]", "MAX_TOKENS")).stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(read(last("[]", "SAFETY")).stopReason()).isEqualTo(StopReason.REFUSAL);
        assertThat(read("{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"}}").stopReason())
                .isEqualTo(StopReason.REFUSAL);
    }

    @Test
    void midStreamErrorIsRetryableWhenTransient() {
        assertThatThrownBy(() -> read(parts("[{\"text\":\"Hi\"}]"),
                "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}"))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.OVERLOADED);
                    assertThat(e.getMessage()).contains("overloaded");
                });
        assertThatThrownBy(() -> read("{\"error\":{\"code\":400,\"message\":\"bad\",\"status\":\"INVALID_ARGUMENT\"}}"))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void streamWithoutAFinishReasonIsARetryableStreamError() {
        assertThatThrownBy(() -> read(parts("[{\"text\":\"Hi\"}]")))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.STREAM_ERROR);
                    assertThat(e.retryable()).isTrue();
                });
    }
}
