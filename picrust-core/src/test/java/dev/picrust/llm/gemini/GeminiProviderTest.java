package dev.picrust.llm.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GeminiProviderTest {
    private static final String KEY = "AIzaSy-VERY-SECRET-GEMINI-KEY";
    private static final LlmRequest REQUEST = LlmRequest.of("gemini-test", List.of(Message.user("hi")), 256);

    private final LoopbackServer server;
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final List<StreamEvent> heard = new CopyOnWriteArrayList<>();

    GeminiProviderTest() throws IOException {
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private GeminiProvider provider() {
        return new GeminiProvider(GeminiConfig.builder(KEY).baseUrl(server.baseUrl() + "/v1beta/")
                .http(HttpSettings.DEFAULTS.withSleeper(sleeper).withIdleTimeout(Duration.ofSeconds(30))).build());
    }

    static String stream(String text) {
        return "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"" + text + "\"}]},"
                + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":1}}\n\n";
    }

    @Test
    void streamsFromStreamGenerateContentWithTheKeyHeader() {
        server.then(LoopbackServer.sse(stream("hello")));
        LlmResponse response = provider().stream(REQUEST, heard::add, Cancellation.none());
        assertThat(response.text()).isEqualTo("hello");
        LoopbackServer.Received received = server.received().getFirst();
        assertThat(received.path()).isEqualTo("/v1beta/models/gemini-test:streamGenerateContent");
        assertThat(received.header("x-goog-api-key")).isEqualTo(KEY);
        assertThat(received.json().path("contents").get(0).path("parts").get(0).path("text").asText()).isEqualTo("hi");
    }

    @Test
    void nonStreamingUsesGenerateContent() {
        server.then(LoopbackServer.json(200, stream("plain").substring(6).strip()));
        LlmResponse response = provider().send(REQUEST, Cancellation.none());
        assertThat(response.text()).isEqualTo("plain");
        assertThat(server.received().getFirst().path()).isEqualTo("/v1beta/models/gemini-test:generateContent");
    }

    @Test
    void resourceExhaustedThenSuccessRetries() {
        server.then(LoopbackServer.json(429, Map.of("retry-after", "1"),
                        "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}"))
                .then(LoopbackServer.sse(stream("after")));
        LlmResponse response = provider().stream(REQUEST, heard::add, Cancellation.none());
        assertThat(response.text()).isEqualTo("after");
        assertThat(sleeper.delays()).containsExactly(Duration.ofSeconds(1));
        assertThat(heard.getFirst()).isInstanceOfSatisfying(StreamEvent.Retrying.class,
                r -> assertThat(r.reason()).contains("RESOURCE_EXHAUSTED").contains("Quota exceeded"));
    }

    @Test
    void midStreamUnavailableRestartsTheCall() {
        server.then(LoopbackServer.sse("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"par\"}]}}]}\n\n"
                        + "data: {\"error\":{\"code\":503,\"message\":\"overloaded\",\"status\":\"UNAVAILABLE\"}}\n\n"))
                .then(LoopbackServer.sse(stream("whole")));
        assertThat(provider().stream(REQUEST, heard::add, Cancellation.none()).text()).isEqualTo("whole");
        assertThat(server.received()).hasSize(2);
    }

    @Test
    void invalidArgumentIsNotRetriedAndTheKeyIsRedacted() {
        server.then(LoopbackServer.json(400, "{\"error\":{\"code\":400,\"message\":\"key " + KEY
                + " rejected\",\"status\":\"INVALID_ARGUMENT\"}}"));
        assertThatThrownBy(() -> provider().send(REQUEST, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("Gemini API error: HTTP 400 INVALID_ARGUMENT").doesNotContain(KEY);
                });
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void configNeedsAKey() {
        assertThatThrownBy(() -> GeminiConfig.fromEnvironment(Map.of()))
                .isInstanceOf(LlmException.class).hasMessageContaining("GEMINI_API_KEY");
        assertThat(GeminiConfig.fromEnvironment(Map.of("GEMINI_API_KEY", KEY)).toString()).doesNotContain(KEY);
    }
}
