package dev.picrust.llm.anthropic;

import dev.picrust.llm.LoopbackServer;
import dev.picrust.llm.RecordingSleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmFixtures;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives the provider against the recorded Anthropic HTTP exchanges in the shared fixtures. */
class AnthropicRecordedExchangesTest {
    private static final String KEY = "sk-ant-test-key";
    private static final ToolDefinition GET_WEATHER;

    static {
        try {
            GET_WEATHER = new ToolDefinition("get_weather",
                    "Lookup the weather for a given city in either celsius or fahrenheit", Json.parse("""
                    {"additionalProperties": false,
                     "properties": {
                       "location": {"description": "The city and state, e.g. San Francisco, CA", "title": "Location", "type": "string"},
                       "units": {"description": "Unit for the output, either 'c' for celsius or 'f' for fahrenheit",
                                 "enum": ["c", "f"], "title": "Units", "type": "string"}},
                     "required": ["location", "units"],
                     "type": "object"}"""));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoopbackServer server;
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final List<StreamEvent> heard = new ArrayList<>();

    AnthropicRecordedExchangesTest() throws IOException {
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AnthropicProvider provider(List<String> betas) {
        return new AnthropicProvider(AnthropicConfig.builder(KEY).baseUrl(server.baseUrl()).betas(betas)
                .http(HttpSettings.DEFAULTS.withSleeper(sleeper).withIdleTimeout(Duration.ofSeconds(30))).build());
    }

    private ArrayNode replay(String fixture) throws IOException {
        ArrayNode exchanges = (ArrayNode) Json.parse(LlmFixtures.text(fixture));
        exchanges.forEach(exchange -> server.then(LoopbackServer.recorded(exchange.get("response"))));
        return exchanges;
    }

    /**
     * The recorded SDK sent a lone text user turn as a plain string, we send the equivalent
     * one-block array; that is the only difference normalised away.
     */
    private static JsonNode normalised(JsonNode body) {
        ObjectNode copy = body.deepCopy();
        for (JsonNode message : copy.withArray("messages")) {
            JsonNode content = message.get("content");
            if (content.isTextual()) {
                ArrayNode blocks = Json.array();
                blocks.addObject().put("type", "text").put("text", content.asText());
                ((ObjectNode) message).set("content", blocks);
            }
        }
        return copy;
    }

    @Test
    void streamedToolRoundTripMatchesBothRecordedTurns() throws IOException {
        ArrayNode exchanges = replay("anthropic-http-stream-tool-roundtrip.json");
        AnthropicProvider provider = provider(List.of());
        Message question = Message.user("What is the weather in SF?");
        LlmRequest turn1 = LlmRequest.of("claude-haiku-4-5", List.of(question), 1024).withTools(List.of(GET_WEATHER));

        LlmResponse first = provider.stream(turn1, heard::add, Cancellation.none());

        assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(first.usage().inputTokens()).isEqualTo(656);
        assertThat(first.usage().outputTokens()).isEqualTo(74);
        ToolUseBlock call = first.toolUses().getFirst();
        assertThat(call.id()).isEqualTo("toolu_018acGYLtfR52q9yDbWaEdQZ");
        assertThat(call.input()).isEqualTo(Json.parse("{\"location\":\"San Francisco, CA\",\"units\":\"f\"}"));
        assertThat(heard).containsExactly(new StreamEvent.ToolUseStarted(0, "toolu_018acGYLtfR52q9yDbWaEdQZ", "get_weather"));

        Message result = Message.user(List.of(ToolResultBlock.text(call.id(),
                "{\"location\": \"San Francisco, CA\", \"temperature\": \"68\\u00b0F\", \"condition\": \"Sunny\"}", false)));
        LlmRequest turn2 = turn1.withMessages(List.of(question, first.toMessage(), result));

        LlmResponse second = provider.stream(turn2, heard::add, Cancellation.none());

        assertThat(second.text()).isEqualTo("The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n"
                + "- **Condition:** Sunny\n\nIt's a nice sunny day!");
        assertThat(second.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(second.usage().inputTokens()).isEqualTo(770);
        assertThat(second.usage().outputTokens()).isEqualTo(38);

        List<LoopbackServer.Received> received = server.received();
        assertThat(received).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode recorded = exchanges.get(i).get("request");
            assertThat(received.get(i).json()).as("request body %d", i + 1).isEqualTo(normalised(recorded.get("body")));
            assertThat(received.get(i).header("anthropic-version")).isEqualTo(recorded.get("headers").get("anthropic-version").asText());
            assertThat(received.get(i).path()).isEqualTo("/v1/messages");
        }
    }

    @Test
    void twoRateLimitsThenAStream() throws IOException {
        ArrayNode exchanges = replay("anthropic-http-429-429-then-stream.json");
        LlmRequest request = LlmRequest.of("claude-sonnet-4-5",
                        List.of(Message.user("Extract order IDs from the following text:\n\nOrder 12345\nOrder 67890")), 1024)
                .withExtraBody(Map.of("output_config", exchanges.get(0).get("request").get("body").get("output_config")));

        LlmResponse response = provider(List.of()).stream(request, heard::add, Cancellation.none());

        assertThat(response.text()).isEqualTo("[12345,67890]");
        assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(heard).filteredOn(StreamEvent.Retrying.class::isInstance).hasSize(2)
                .allSatisfy(e -> assertThat(((StreamEvent.Retrying) e).reason()).contains("429", "rate_limit_error"));
        assertThat(heard).extracting(e -> e instanceof StreamEvent.Retrying r ? r.attempt() : null)
                .filteredOn(a -> a != null).containsExactly(1, 2);
        // No retry-after was recorded, so the waits are the jittered backoff: 0.5 s then 1 s, less up to 25%.
        assertThat(sleeper.delays()).hasSize(2);
        assertThat(sleeper.delays().get(0)).isBetween(Duration.ofMillis(375), Duration.ofMillis(500));
        assertThat(sleeper.delays().get(1)).isBetween(Duration.ofMillis(750), Duration.ofMillis(1000));
        assertThat(server.received()).hasSize(3).allSatisfy(r ->
                assertThat(r.json()).isEqualTo(normalised(exchanges.get(0).get("request").get("body"))));
    }

    @Test
    void toolUseThenNonRetryableInvalidRequest() throws IOException {
        ArrayNode exchanges = replay("anthropic-http-tool-use-then-400.json");
        AnthropicProvider provider = provider(List.of("structured-outputs-2025-12-15"));
        Message question = Message.user("What's the weather in SF in Celsius?");
        LlmRequest turn1 = LlmRequest.of("claude-haiku-4-5", List.of(question), 1024).withTools(List.of(GET_WEATHER));

        LlmResponse first = provider.send(turn1, Cancellation.none());

        ToolUseBlock call = first.toolUses().getFirst();
        assertThat(call.input()).isEqualTo(Json.parse("{\"location\":\"San Francisco, CA\",\"units\":\"c\"}"));
        assertThat(first.id()).isEqualTo("msg_01QCEBW49MBPHFuFwMDoFtPP");
        assertThat(first.content()).hasSize(1);
        assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(first.usage().inputTokens()).isEqualTo(659);

        // The recorded mistake: the assistant turn is left out, so the tool_result has no tool_use before it.
        LlmRequest turn2 = turn1.withMessages(List.of(question, Message.user(List.of(ToolResultBlock.text(call.id(),
                "The weather in San Francisco, CA is currently sunny with a temperature of 20°C.", false)))));

        assertThatThrownBy(() -> provider.send(turn2, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.requestId()).contains("req_011CYHyk9NPsBYeGbC9LuDNK");
                    assertThat(e.getMessage()).contains("invalid_request_error", "unexpected `tool_use_id`");
                });
        List<LoopbackServer.Received> received = server.received();
        assertThat(received).as("no retry of a 400").hasSize(2);
        assertThat(sleeper.delays()).isEmpty();
        for (int i = 0; i < 2; i++) {
            JsonNode recorded = exchanges.get(i).get("request");
            assertThat(received.get(i).json()).isEqualTo(normalised(recorded.get("body")));
            assertThat(received.get(i).header("anthropic-beta")).isEqualTo(recorded.get("headers").get("anthropic-beta").asText());
        }
    }
}
