package dev.picrust.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmFixtures;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.LoopbackServer;
import dev.picrust.llm.Message;
import dev.picrust.llm.RecordingSleeper;
import dev.picrust.llm.StreamEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiProviderTest {
    private static final String KEY = "sk-proj-VERY-SECRET-OPENAI-KEY";
    private static final LlmRequest REQUEST = LlmRequest.of("gpt-test", List.of(Message.user("hi")), 256);
    private static final String RATE_LIMITED =
            "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}";

    private final LoopbackServer server;
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final List<StreamEvent> heard = new CopyOnWriteArrayList<>();

    OpenAiProviderTest() throws IOException {
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiProvider provider(UnaryOperator<OpenAiConfig.Builder> tweak) {
        return new OpenAiProvider(tweak.apply(OpenAiConfig.builder(KEY).baseUrl(server.baseUrl() + "/v1")
                .http(http())).build());
    }

    private HttpSettings http() {
        return HttpSettings.DEFAULTS.withSleeper(sleeper).withIdleTimeout(Duration.ofSeconds(30));
    }

    private OpenAiProvider provider() {
        return provider(b -> b);
    }

    static String textStream(String... deltas) {
        StringBuilder sb = new StringBuilder();
        for (String delta : deltas) {
            sb.append("data: {\"id\":\"chatcmpl-t\",\"model\":\"gpt-test\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                    .append(delta).append("\"},\"finish_reason\":null}]}\n\n");
        }
        sb.append("data: {\"id\":\"chatcmpl-t\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        sb.append("data: {\"id\":\"chatcmpl-t\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}\n\n");
        sb.append("data: [DONE]\n\n");
        return sb.toString();
    }

    @Test
    void streamsToChatCompletionsUnderTheBaseUrlWithBearerAuth() {
        server.then(LoopbackServer.sse(textStream("Hel", "lo")));
        LlmResponse response = provider().stream(REQUEST, heard::add, Cancellation.none());

        assertThat(response.text()).isEqualTo("Hello");
        assertThat(response.usage().inputTokens()).isEqualTo(9);
        LoopbackServer.Received received = server.received().getFirst();
        assertThat(received.path()).isEqualTo("/v1/chat/completions");
        assertThat(received.header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(received.json().path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(heard).containsExactly(new StreamEvent.TextDelta(0, "Hel"), new StreamEvent.TextDelta(0, "lo"));
    }

    @Test
    void noKeyMeansNoAuthorizationHeaderForLocalServers() {
        server.then(LoopbackServer.sse(textStream("ok")));
        OpenAiProvider local = new OpenAiProvider(OpenAiConfig.builder("").baseUrl(server.baseUrl() + "/v1/")
                .http(http()).build());
        local.stream(REQUEST, heard::add, Cancellation.none());
        assertThat(server.received().getFirst().header("authorization")).isNull();
        assertThat(server.received().getFirst().path()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void rateLimitedThenSuccessRetriesWithTheServersDelay() {
        server.then(LoopbackServer.json(429, Map.of("retry-after", "2"), RATE_LIMITED))
                .then(LoopbackServer.sse(textStream("fine")));
        LlmResponse response = provider().stream(REQUEST, heard::add, Cancellation.none());

        assertThat(response.text()).isEqualTo("fine");
        assertThat(sleeper.delays()).containsExactly(Duration.ofSeconds(2));
        assertThat(heard.getFirst()).isInstanceOfSatisfying(StreamEvent.Retrying.class,
                r -> assertThat(r.reason()).contains("HTTP 429").contains("rate_limit_exceeded"));
    }

    @Test
    void midStreamErrorRestartsTheWholeCall() {
        server.then(LoopbackServer.sse("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n"
                        + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n"))
                .then(LoopbackServer.sse(textStream("whole")));
        LlmResponse response = provider().stream(REQUEST, heard::add, Cancellation.none());
        assertThat(response.text()).isEqualTo("whole");
        assertThat(server.received()).hasSize(2);
        assertThat(heard).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("TextDelta", "Retrying", "TextDelta");
    }

    @Test
    void nonStreamingCallReadsTheCompletion() {
        server.then(LoopbackServer.json(200, """
                {"id":"chatcmpl-2","model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant",
                "content":"plain"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"""));
        LlmResponse response = provider().send(REQUEST, Cancellation.none());
        assertThat(response.text()).isEqualTo("plain");
        assertThat(server.received().getFirst().json().has("stream")).isFalse();
    }

    @Test
    void invalidRequestIsNotRetriedAndTheKeyNeverAppears() {
        server.then(LoopbackServer.json(400, "{\"error\":{\"message\":\"bad key " + KEY
                + "\",\"type\":\"invalid_request_error\",\"code\":null}}"));
        assertThatThrownBy(() -> provider().stream(REQUEST, heard::add, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("OpenAI API error: HTTP 400").doesNotContain(KEY);
                });
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void ollamaStyleStringErrorIsRead() {
        server.then(LoopbackServer.json(404, "{\"error\":\"model \\\"qwen9\\\" not found, try pulling it first\"}"));
        assertThatThrownBy(() -> provider().send(REQUEST, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("not found, try pulling it first");
                });
    }

    @Test
    void recordedFixtureServedOverHttpParses() {
        server.then(LoopbackServer.sse(LlmFixtures.text("openai-chat-sse-parallel-tool-calls.sse")));
        LlmResponse response = provider().stream(REQUEST, heard::add, Cancellation.none());
        assertThat(response.toolUses()).hasSize(2);
        assertThat(response.usage().outputTokens()).isEqualTo(60);
    }

    @Test
    void configFromEnvironmentNeedsAKeyOnlyForOpenAiItself() {
        assertThatThrownBy(() -> OpenAiConfig.fromEnvironment(Map.of()))
                .isInstanceOf(LlmException.class).hasMessageContaining("OPENAI_API_KEY");
        OpenAiConfig local = OpenAiConfig.fromEnvironment(Map.of("OPENAI_BASE_URL", "http://localhost:11434/v1"));
        assertThat(local.apiKey()).isEmpty();
        assertThat(local.maxTokensField()).isEqualTo(OpenAiConfig.MaxTokensField.MAX_TOKENS);
        OpenAiConfig hosted = OpenAiConfig.fromEnvironment(Map.of("OPENAI_API_KEY", KEY));
        assertThat(hosted.maxTokensField()).isEqualTo(OpenAiConfig.MaxTokensField.MAX_COMPLETION_TOKENS);
        assertThat(hosted.toString()).doesNotContain(KEY);
    }
}
