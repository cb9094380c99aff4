package dev.picrust.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.json.Json;
import dev.picrust.llm.IncompleteToolUse;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmFixtures;
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
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatAccumulatorTest {
    private final List<StreamEvent> heard = new ArrayList<>();

    private LlmResponse readSse(byte[] body) throws IOException {
        ChatWire wire = new ChatWire(OpenAiConfig.builder("k").build());
        return wire.readStream(new dev.picrust.llm.sse.SseReader(new ByteArrayInputStream(body)), heard::add);
    }

    private LlmResponse readChunks(String... chunks) throws IOException {
        StringBuilder sse = new StringBuilder();
        for (String chunk : chunks) {
            sse.append("data: ").append(chunk).append("\n\n");
        }
        return readSse(sse.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String delta(String delta) {
        return "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}";
    }

    private static String finish(String reason) {
        return "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}";
    }

    @Test
    void recordedParallelToolCallsParseToTheListedValues() throws IOException {
        LlmResponse response = readSse(LlmFixtures.bytes("openai-chat-sse-parallel-tool-calls.sse"));

        assertThat(response.id()).isEqualTo("chatcmpl-ABfwAwrNePHUgBBezonVC6MX3zd63");
        assertThat(response.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(response.toolUses()).containsExactly(
                new ToolUseBlock("call_JMW1whyEaYG438VE1OIflxA2", "GetWeatherArgs",
                        Json.object().put("city", "Edinburgh").put("country", "GB").put("units", "c")),
                new ToolUseBlock("call_DNYTawLBoN8fj3KN6qU9N1Ou", "get_stock_price",
                        Json.object().put("ticker", "AAPL").put("exchange", "NASDAQ")));
        assertThat(response.content()).hasSize(2);
        assertThat(response.usage()).isEqualTo(new Usage(149, 60, 0, 0));
        assertThat(response.usage().inputTokens() + response.usage().outputTokens()).isEqualTo(209);
        assertThat(heard).filteredOn(StreamEvent.ToolUseStarted.class::isInstance).hasSize(2);
    }

    @Test
    void recordedCompatStreamWhoseCallIndexStartsAtOne() throws IOException {
        LlmResponse response = readSse(LlmFixtures.bytes("openai-compat-sse-tool-call-index-starts-at-1.sse"));

        assertThat(response.text()).isEqualTo("Reading it.");
        assertThat(response.toolUses()).containsExactly(
                new ToolUseBlock("toolu_sanitized", "read_file", Json.object().put("path", "a.txt")));
        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(response.usage()).isEqualTo(Usage.ZERO);
        assertThat(heard).filteredOn(StreamEvent.TextDelta.class::isInstance)
                .extracting(e -> ((StreamEvent.TextDelta) e).text()).containsExactly("Reading", " it.");
    }

    @Test
    void recordedResponsesApiErrorAfterTheStartIsAStreamErrorNotAnHttpError() {
        StringBuilder sse = new StringBuilder();
        for (String line : LlmFixtures.text("openai-responses-chunks-midstream-error.jsonl").split("\n")) {
            if (!line.isBlank()) {
                sse.append("data: ").append(line).append("\n\n");
            }
        }
        assertThatThrownBy(() -> readSse(sse.toString().getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.STREAM_ERROR);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("insufficient_quota").contains("exceeded your current quota");
                });
    }

    @Test
    void callsWithoutAnIndexAreSplitByTheirIds() throws IOException {
        LlmResponse response = readChunks(
                delta("{\"tool_calls\":[{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":\"}}]}"),
                delta("{\"tool_calls\":[{\"function\":{\"arguments\":\"1}\"}}]}"),
                delta("{\"tool_calls\":[{\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}"),
                finish("tool_calls"), "[DONE]");
        assertThat(response.toolUses()).containsExactly(
                new ToolUseBlock("a", "f", Json.object().put("x", 1)),
                new ToolUseBlock("b", "g", Json.object()));
    }

    @Test
    void wholeCallsInOneChunkAllAtIndexZeroAreKeptApart() throws IOException {
        // Ollama: every parallel call arrives whole, each with index 0.
        LlmResponse response = readChunks(
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"Read\",\"arguments\":\"{\\\"p\\\":1}\"}},"
                        + "{\"index\":0,\"id\":\"call_2\",\"function\":{\"name\":\"Read\",\"arguments\":\"{\\\"p\\\":2}\"}}]}"),
                finish("stop"), "[DONE]");
        assertThat(response.toolUses()).extracting(ToolUseBlock::id).containsExactly("call_1", "call_2");
        assertThat(response.toolUses()).extracting(t -> t.input().path("p").asInt()).containsExactly(1, 2);
        assertThat(response.stopReason()).as("tool calls decide, not finish_reason").isEqualTo(StopReason.TOOL_USE);
    }

    @Test
    void emptyIdsAndNamesOnContinuationFragmentsNeverOverwrite() throws IOException {
        // vLLM / Mistral: later fragments repeat type with id "" and name "".
        LlmResponse response = readChunks(
                delta("{\"content\":\"\",\"tool_calls\":[{\"index\":0,\"id\":\"call_x\",\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"arguments\":\"\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"\",\"type\":\"function\",\"function\":{\"name\":\"\",\"arguments\":\"{\\\"command\\\":\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":0,\"type\":\"function\",\"function\":{\"arguments\":\"\\\"ls\\\"}\"}}]}"),
                finish("tool_calls"), "[DONE]");
        assertThat(response.toolUses()).containsExactly(
                new ToolUseBlock("call_x", "Bash", Json.object().put("command", "ls")));
        assertThat(response.content()).hasSize(1);
    }

    @Test
    void reasoningArrivesUnderEitherNameAndBecomesThinking() throws IOException {
        LlmResponse deepSeek = readChunks(
                delta("{\"reasoning_content\":\"Think \"}"), delta("{\"reasoning_content\":\"hard.\"}"),
                delta("{\"content\":\"Answer\"}"), finish("stop"), "[DONE]");
        assertThat(deepSeek.content()).containsExactly(new ThinkingBlock("Think hard.", ""), new TextBlock("Answer"));

        heard.clear();
        LlmResponse vllm = readChunks(delta("{\"reasoning\":\"Hmm.\"}"), delta("{\"content\":\"Yes\"}"), finish("stop"));
        assertThat(vllm.content()).containsExactly(new ThinkingBlock("Hmm.", ""), new TextBlock("Yes"));
        assertThat(heard).first().isEqualTo(new StreamEvent.ThinkingDelta(0, "Hmm."));

        LlmResponse both = readChunks(delta("{\"reasoning_content\":\"Once.\",\"reasoning\":\"Once.\"}"), finish("stop"));
        assertThat(both.content()).containsExactly(new ThinkingBlock("Once.", ""));
    }

    @Test
    void midStreamErrorChunkFailsTheCallRetryablyWhenTransient() {
        assertThatThrownBy(() -> readChunks(delta("{\"content\":\"Hel\"}"),
                "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("server_error").contains("The server had an error");
                });
    }

    @Test
    void streamThatEndsWithoutFinishOrDoneIsARetryableStreamError() {
        assertThatThrownBy(() -> readChunks(delta("{\"content\":\"Hel\"}")))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.STREAM_ERROR);
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void argumentsCutOffByLengthAreAnIncompleteCallAndEmptyArgumentsAreAnEmptyObject() throws IOException {
        LlmResponse response = readChunks(
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"noargs\",\"arguments\":\"\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":1,\"id\":\"b\",\"function\":{\"name\":\"Write\",\"arguments\":\"{\\\"content\\\":\\\"half\"}}]}"),
                finish("length"), "[DONE]");
        assertThat(response.toolUses()).containsExactly(new ToolUseBlock("a", "noargs", Json.object()));
        assertThat(response.incompleteToolUses()).containsExactly(new IncompleteToolUse("b", "Write", "{\"content\":\"half"));
        assertThat(response.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    }

    @Test
    void aCallWithoutAnIdGetsAUniqueOne() throws IOException {
        LlmResponse response = readChunks(
                delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                        + "{\"index\":1,\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}"),
                finish("tool_calls"));
        assertThat(response.toolUses()).extracting(ToolUseBlock::id).doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith("call_"));
    }

    @Test
    void usageComesFromAnyChunkAndCachedTokensAreSeparated() throws IOException {
        LlmResponse response = readChunks(delta("{\"content\":\"x\"}"),
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":100,"
                        + "\"completion_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":60}}}",
                "[DONE]");
        assertThat(response.usage()).isEqualTo(new Usage(40, 5, 60, 0));

        LlmResponse groq = readChunks(delta("{\"content\":\"x\"}"),
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"x_groq\":{\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}}");
        assertThat(groq.usage()).isEqualTo(new Usage(7, 2, 0, 0));
    }

    @Test
    void refusalIsTextWithStopReasonRefusal() throws IOException {
        LlmResponse response = readChunks(delta("{\"refusal\":\"I can't help with that.\"}"), finish("stop"), "[DONE]");
        assertThat(response.text()).isEqualTo("I can't help with that.");
        assertThat(response.stopReason()).isEqualTo(StopReason.REFUSAL);
    }

    @Test
    void nonStreamedCompletionIsReadWithTheSameRules() {
        ChatWire wire = new ChatWire(OpenAiConfig.builder("k").build());
        LlmResponse response = wire.readMessage(("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"qwen3","choices":[{"index":0,"message":{
                "role":"assistant","content":null,"reasoning_content":"plan","tool_calls":[{"id":"call_9","type":"function",
                "function":{"name":"Read","arguments":"{\\"file_path\\":\\"a\\"}"}}]},"finish_reason":"tool_calls"}],
                "usage":{"prompt_tokens":10,"completion_tokens":4,"total_tokens":14}}""").getBytes(StandardCharsets.UTF_8));
        assertThat(response.content()).containsExactly(new ThinkingBlock("plan", ""),
                new ToolUseBlock("call_9", "Read", Json.object().put("file_path", "a")));
        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(response.usage()).isEqualTo(new Usage(10, 4, 0, 0));
        assertThat(Optional.of(response.model())).hasValue("qwen3");
    }

    @Test
    void eventsThatAreNotChunksOfOursAreHarmless() throws IOException {
        // A ping-like comment and an empty choices list before the real content.
        LlmResponse response = readSse((": keep-alive\n\ndata: {\"choices\":[]}\n\n" + "data: " + delta("{\"content\":\"ok\"}")
                + "\n\ndata: " + finish("stop") + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        assertThat(response.text()).isEqualTo("ok");
    }
}
