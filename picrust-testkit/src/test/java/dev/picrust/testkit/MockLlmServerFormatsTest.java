package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import dev.picrust.llm.gemini.GeminiConfig;
import dev.picrust.llm.gemini.GeminiProvider;
import dev.picrust.llm.openai.OpenAiConfig;
import dev.picrust.llm.openai.OpenAiProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link MockLlmServer} speaking OpenAI Chat Completions and Gemini to the real providers. */
class MockLlmServerFormatsTest {
    private static final LlmRequest REQUEST = LlmRequest.of("m", List.of(Message.user("hi")), 100);
    private static final RetryPolicy FAST = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5));

    private final MockLlmServer server = MockLlmServer.start();
    private final List<StreamEvent> heard = new ArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    private LlmProvider openAi() {
        return new OpenAiProvider(OpenAiConfig.builder("sk-x").baseUrl(server.baseUrl() + "/v1").http(HttpSettings.DEFAULTS.withRetryPolicy(FAST)).build());
    }

    private LlmProvider gemini() {
        return new GeminiProvider(GeminiConfig.builder("g-x").baseUrl(server.baseUrl() + "/v1beta").http(HttpSettings.DEFAULTS.withRetryPolicy(FAST)).build());
    }

    private static LlmResponse rich() {
        return new LlmResponse("r1", "mock", List.of(new ThinkingBlock("Plan it.", "sig"), new TextBlock("Calling."),
                new ToolUseBlock("toolu_1", "Read", Json.object().put("file_path", "ä.txt"))),
                StopReason.TOOL_USE, new Usage(30, 12, 0, 0));
    }

    @Test
    void richResponseRoundTripsThroughEachFormatStreamedAndNot() {
        for (LlmProvider provider : List.of(openAi(), gemini())) {
            server.enqueue(ServerStep.respond(rich()), ServerStep.respond(rich()));
            LlmResponse streamed = provider.stream(REQUEST, heard::add, Cancellation.none());
            LlmResponse plain = provider.send(REQUEST, Cancellation.none());
            for (LlmResponse response : List.of(streamed, plain)) {
                assertThat(response.text()).as(provider.name()).isEqualTo("Calling.");
                assertThat(response.toolUses()).singleElement().satisfies(call -> {
                    assertThat(call.name()).isEqualTo("Read");
                    assertThat(call.input().path("file_path").asText()).isEqualTo("ä.txt");
                });
                assertThat(response.content().getFirst()).isInstanceOf(ThinkingBlock.class);
                assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
                assertThat(response.usage().outputTokens()).isEqualTo(12);
            }
        }
        assertThat(server.requests()).extracting(RecordedRequest::wireFormat).containsExactly(
                WireFormat.OPENAI_CHAT, WireFormat.OPENAI_CHAT, WireFormat.GEMINI, WireFormat.GEMINI);
    }

    @Test
    void rateLimitAndMidStreamErrorsAreWrittenInEachFormatAndRetried() {
        for (LlmProvider provider : List.of(openAi(), gemini())) {
            heard.clear();
            server.enqueue(ServerStep.rateLimited(Duration.ZERO), ServerStep.midStreamOverloaded(), ServerStep.text("ok"));
            LlmResponse response = provider.stream(REQUEST, heard::add, Cancellation.none());
            assertThat(response.text()).isEqualTo("ok");
            List<String> reasons = heard.stream().filter(StreamEvent.Retrying.class::isInstance)
                    .map(e -> ((StreamEvent.Retrying) e).reason()).toList();
            assertThat(reasons).as(provider.name()).hasSize(2);
            assertThat(reasons.get(0)).contains("HTTP 429");
            assertThat(reasons.get(1)).containsIgnoringCase("overloaded");
        }
    }

    @Test
    void recordedOpenAiFixtureIsServedAsIs() {
        server.serveSseFile(FixtureFiles.llm("openai-compat-sse-tool-call-index-starts-at-1.sse"));
        LlmResponse response = openAi().stream(REQUEST, heard::add, Cancellation.none());
        assertThat(response.toolUses()).extracting(ToolUseBlock::name).containsExactly("read_file");
    }
}
