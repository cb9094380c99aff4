package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import dev.picrust.agent.AgentConfig;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.StatusCode;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.llm.gemini.GeminiConfig;
import dev.picrust.llm.gemini.GeminiProvider;
import dev.picrust.llm.openai.OpenAiConfig;
import dev.picrust.llm.openai.OpenAiProvider;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each provider says when a request is over the context window, and the token-count
 * endpoints, over loopback HTTP against {@link MockLlmServer}; then an agent that gets Anthropic's
 * "prompt is too long", compacts and finishes.
 */
class ContextLimitsTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final LlmRequest REQUEST = new LlmRequest("test-model", List.of(new TextBlock("be brief")),
            List.of(Message.user("hello there")), List.of(), 100, Optional.empty(), Optional.of(0.5), java.util.Map.of());

    @TempDir Path dir;

    static AnthropicProvider anthropic(MockLlmServer server) {
        return new AnthropicProvider(AnthropicConfig.builder("sk-ant-test-key").baseUrl(server.baseUrl())
                .http(HttpSettings.DEFAULTS.withRetryPolicy(RetryPolicy.NONE)).build());
    }

    static OpenAiProvider openAi(MockLlmServer server) {
        return new OpenAiProvider(OpenAiConfig.builder("sk-test-key").baseUrl(server.baseUrl() + "/v1")
                .http(HttpSettings.DEFAULTS.withRetryPolicy(RetryPolicy.NONE)).build());
    }

    static GeminiProvider gemini(MockLlmServer server) {
        return new GeminiProvider(GeminiConfig.builder("gemini-test-key").baseUrl(server.baseUrl() + "/v1beta")
                .http(HttpSettings.DEFAULTS.withRetryPolicy(RetryPolicy.NONE)).build());
    }

    static LlmException.Kind failureKind(LlmProvider provider) {
        try {
            provider.send(REQUEST, Cancellation.none());
        } catch (LlmException e) {
            return e.kind();
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void eachProvidersContextTooLongAnswerIsRecognised() {
        try (MockLlmServer server = MockLlmServer.start()) {
            server.enqueue(ServerStep.httpError(400, "invalid_request_error",
                    "prompt is too long: 210000 tokens > 200000 maximum"));
            assertThat(failureKind(anthropic(server))).isEqualTo(LlmException.Kind.CONTEXT_TOO_LONG);
            server.enqueue(ServerStep.httpError(400, "invalid_request_error",
                    "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000"));
            assertThat(failureKind(anthropic(server))).isEqualTo(LlmException.Kind.CONTEXT_TOO_LONG);
            server.enqueue(ServerStep.httpError(400, "invalid_request_error", "messages: roles must alternate"));
            assertThat(failureKind(anthropic(server))).isEqualTo(LlmException.Kind.INVALID_REQUEST);

            server.enqueue(ServerStep.httpError(400, "context_length_exceeded", "This model's maximum context length "
                    + "is 128000 tokens. However, your messages resulted in 130512 tokens."));
            assertThat(failureKind(openAi(server))).isEqualTo(LlmException.Kind.CONTEXT_TOO_LONG);
            server.enqueue(ServerStep.httpError(400, "BadRequestError", "This model's maximum context length is 32768 "
                    + "tokens. However, you requested 40000 tokens."));  // vLLM names no code
            assertThat(failureKind(openAi(server))).isEqualTo(LlmException.Kind.CONTEXT_TOO_LONG);

            server.enqueue(ServerStep.httpError(400, "invalid_request_error",
                    "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)."));
            assertThat(failureKind(gemini(server))).isEqualTo(LlmException.Kind.CONTEXT_TOO_LONG);
            server.enqueue(ServerStep.httpError(400, "invalid_request_error", "Invalid JSON payload"));
            assertThat(failureKind(gemini(server))).isEqualTo(LlmException.Kind.INVALID_REQUEST);
        }
    }

    @Test
    void anthropicAndGeminiCountTokensThroughTheirEndpointsAndOpenAiHasNone() throws Exception {
        try (MockLlmServer server = MockLlmServer.start()) {
            server.countTokensWith(request -> request.body().toString().contains("hello there") ? 42 : 0);
            assertThat(anthropic(server).countTokens(REQUEST, Cancellation.none())).isEqualTo(OptionalLong.of(42));
            RecordedRequest count = server.takeRequest(WAIT).orElseThrow();
            assertThat(count.path()).isEqualTo("/v1/messages/count_tokens");
            assertThat(count.body().path("model").asText()).isEqualTo("test-model");
            assertThat(count.body().has("messages")).isTrue();
            assertThat(count.body().path("system").toString()).contains("be brief");
            assertThat(count.body().has("max_tokens")).as("not a count parameter").isFalse();
            assertThat(count.body().has("stream")).isFalse();
            assertThat(count.body().has("temperature")).isFalse();
            assertThat(count.header("x-api-key")).hasValue("sk-ant-test-key");

            assertThat(gemini(server).countTokens(REQUEST, Cancellation.none())).isEqualTo(OptionalLong.of(42));
            RecordedRequest geminiCount = server.takeRequest(WAIT).orElseThrow();
            assertThat(geminiCount.path()).isEqualTo("/v1beta/models/test-model:countTokens");
            assertThat(geminiCount.body().path("generateContentRequest").path("model").asText())
                    .isEqualTo("models/test-model");
            assertThat(geminiCount.body().path("generateContentRequest").path("contents").toString())
                    .contains("hello there");

            assertThat(openAi(server).countTokens(REQUEST, Cancellation.none())).isEmpty();
            assertThat(server.requestCount()).as("OpenAI has no endpoint: nothing sent").isEqualTo(2);
            assertThat(server.remainingSteps()).isZero();
        }
    }

    @Test
    void aFailingCountEndpointIsAnLlmException() {
        try (MockLlmServer server = MockLlmServer.start()) {
            server.countTokensWith(request -> {
                throw new IllegalStateException("counter broke");
            });
            assertThatThrownBy(() -> anthropic(server).countTokens(REQUEST, Cancellation.none()))
                    .isInstanceOf(LlmException.class);
        }
    }

    @Test
    void anAgentTheApiTellsThePromptIsTooLongCompactsAndFinishes() throws Exception {
        try (MockLlmServer server = MockLlmServer.start();
             AgentRuntime runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")))) {
            AgentConfig config = AgentConfig.builder(anthropic(server)).model("test-model").maxTokens(500)
                    .workingDirectory(dir).build();
            AgentHandle agent = runtime.spawn(config, "ctx");
            Subscription sub = agent.subscribe(Integer.MAX_VALUE);
            server.enqueue(ServerStep.text("first answer"));
            agent.send("the original task");
            untilDone(sub);
            server.enqueue(ServerStep.text("second answer"));
            agent.send("a second question");
            untilDone(sub);

            server.enqueue(ServerStep.httpError(400, "invalid_request_error",
                            "prompt is too long: 210000 tokens > 200000 maximum"),
                    ServerStep.text("## Task\nanswer the user's questions"),
                    ServerStep.text("third answer"));
            agent.send("a third question");
            List<OutputChunk> chunks = untilDone(sub);
            assertThat(((OutputChunk.Done) chunks.getLast()).reason()).as(chunks.toString()).isEqualTo(EndReason.END_TURN);
            assertThat(chunks).anyMatch(c -> c instanceof OutputChunk.Status s && s.code() == StatusCode.COMPACTED);

            List<RecordedRequest> requests = server.requests();
            RecordedRequest summary = requests.get(requests.size() - 2);
            assertThat(summary.body().path("system").toString()).contains("compact the history");
            assertThat(summary.body().has("tools")).isFalse();
            RecordedRequest retried = requests.getLast();
            assertThat(WireRequestCheck.problems(retried)).isEmpty();
            String first = retried.body().path("messages").path(0).toString();
            assertThat(first).contains("the original task").contains("The conversation before this point was compacted")
                    .contains("answer the user's questions");
            assertThat(retried.body().path("messages").toString()).contains("a third question")
                    .doesNotContain("first answer");
            agent.shutdown();
            agent.awaitTermination(WAIT);
        }
        var session = SessionStore.at(dir.resolve("sessions")).read("ctx");
        assertThat(session.messages()).as("every original message stays on disk").hasSize(6);
        assertThat(session.records()).anyMatch(r -> r.path("record").asText().equals("compaction")
                && r.path("trigger").asText().equals("overflow"));
    }

    static List<OutputChunk> untilDone(Subscription sub) throws InterruptedException {
        return ProviderToolLoopTest.untilDone(sub);
    }
}
