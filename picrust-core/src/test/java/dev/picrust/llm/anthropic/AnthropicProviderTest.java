package dev.picrust.llm.anthropic;

import dev.picrust.llm.LoopbackServer;
import dev.picrust.llm.RecordingSleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.HttpSettings.Sleeper;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.Usage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AnthropicProviderTest {
    private static final String KEY = "sk-ant-api03-VERY-SECRET-KEY";
    private static final LlmRequest REQUEST = LlmRequest.of("claude-test", List.of(Message.user("hi")), 256);
    private static final String OVERLOADED =
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_529\"}";
    private static final String MESSAGE_JSON = """
            {"id":"msg_json","type":"message","role":"assistant","model":"claude-test",
             "content":[{"type":"text","text":"done"}],"stop_reason":"end_turn",
             "usage":{"input_tokens":12,"output_tokens":3,"cache_read_input_tokens":40,"cache_creation_input_tokens":8}}""";

    private final LoopbackServer server;
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final List<StreamEvent> heard = new CopyOnWriteArrayList<>();

    AnthropicProviderTest() throws IOException {
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AnthropicProvider provider(UnaryOperator<AnthropicConfig.Builder> tweak) {
        return new AnthropicProvider(tweak.apply(AnthropicConfig.builder(KEY).baseUrl(server.baseUrl())
                .http(http())).build());
    }

    private HttpSettings http() {
        return HttpSettings.DEFAULTS.withSleeper(sleeper).withIdleTimeout(Duration.ofSeconds(30));
    }

    private AnthropicProvider provider() {
        return provider(b -> b);
    }

    static String textStream(String id, String... deltas) {
        StringBuilder sb = new StringBuilder(start(id));
        sb.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        for (String delta : deltas) {
            sb.append(textDelta(delta));
        }
        sb.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        sb.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}\n\n");
        sb.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return sb.toString();
    }

    private static String start(String id) {
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"" + id
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\",\"content\":[],"
                + "\"stop_reason\":null,\"usage\":{\"input_tokens\":11,\"output_tokens\":1}}}\n\n";
    }

    private static String textDelta(String text) {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n";
    }

    private static String openText(String id, String text) {
        return start(id) + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" + textDelta(text);
    }

    private List<StreamEvent.Retrying> retries() {
        return heard.stream().filter(StreamEvent.Retrying.class::isInstance).map(StreamEvent.Retrying.class::cast).toList();
    }

    /** Runs a blocking call on its own thread so the test can cancel it. */
    private static FutureTask<LlmResponse> inBackground(java.util.concurrent.Callable<LlmResponse> call) {
        FutureTask<LlmResponse> task = new FutureTask<>(call);
        Thread.ofVirtual().start(task);
        return task;
    }

    private static Throwable failureOf(FutureTask<LlmResponse> task) throws InterruptedException {
        try {
            task.get(10, TimeUnit.SECONDS);
            throw new AssertionError("call did not fail");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("call did not end within 10 s", e);
        }
    }

    // ---- request shape

    @Test
    void sendsAuthenticationVersionAndBetaHeaders() throws IOException {
        server.then(LoopbackServer.sse(textStream("m1", "ok")));
        provider(b -> b.betas(List.of("interleaved-thinking-2025-05-14", "context-1m-2025-08-07")))
                .stream(REQUEST, heard::add, Cancellation.none());
        LoopbackServer.Received r = server.received().getFirst();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/v1/messages");
        assertThat(r.header("x-api-key")).isEqualTo(KEY);
        assertThat(r.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.header("anthropic-beta")).isEqualTo("interleaved-thinking-2025-05-14,context-1m-2025-08-07");
        assertThat(r.json().get("stream").asBoolean()).isTrue();
        assertThat(r.json().get("model").asText()).isEqualTo("claude-test");
    }

    @Test
    void noBetaHeaderWithoutBetasAndBlankModelMeansDefaultModel() {
        server.then(LoopbackServer.json(200, MESSAGE_JSON));
        provider(b -> b.defaultModel("claude-default")).send(REQUEST.withModel(""), Cancellation.none());
        LoopbackServer.Received r = server.received().getFirst();
        assertThat(r.header("anthropic-beta")).isNull();
        assertThat(r.json().get("model").asText()).isEqualTo("claude-default");
        assertThat(r.json().has("stream")).isFalse();
    }

    @Test
    void baseUrlPathPrefixIsKept() {
        server.then(LoopbackServer.json(200, MESSAGE_JSON));
        new AnthropicProvider(AnthropicConfig.builder(KEY).baseUrl(URI.create(server.baseUrl() + "/proxy/")).build())
                .send(REQUEST, Cancellation.none());
        assertThat(server.received().getFirst().path()).isEqualTo("/proxy/v1/messages");
    }

    // ---- answers

    @Test
    void nonStreamingAnswerIsParsedWithCacheUsage() {
        server.then(LoopbackServer.json(200, MESSAGE_JSON));
        LlmResponse r = provider().send(REQUEST, Cancellation.none());
        assertThat(r.id()).isEqualTo("msg_json");
        assertThat(r.text()).isEqualTo("done");
        assertThat(r.usage()).isEqualTo(new Usage(12, 3, 40, 8));
    }

    @Test
    void streamedTextReachesTheListenerAndTheResponse() {
        server.then(LoopbackServer.sse(textStream("m1", "Hel", "lo")));
        LlmResponse r = provider().stream(REQUEST, heard::add, Cancellation.none());
        assertThat(r.text()).isEqualTo("Hello");
        assertThat(r.usage()).isEqualTo(new Usage(11, 7, 0, 0));
        assertThat(heard).containsExactly(new StreamEvent.TextDelta(0, "Hel"), new StreamEvent.TextDelta(0, "lo"));
    }

    @Test
    void answerThatIsNotJsonIsMalformedAndNotRetried() {
        server.then(LoopbackServer.json(200, "<html>captive portal</html>"));
        assertThatThrownBy(() -> provider().send(REQUEST, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.MALFORMED_RESPONSE);
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(server.received()).hasSize(1);
    }

    // ---- retries

    @Test
    void retriesOverloadedThenSucceeds() {
        server.then(LoopbackServer.json(529, OVERLOADED)).then(LoopbackServer.sse(textStream("m2", "fine")));
        LlmResponse r = provider().stream(REQUEST, heard::add, Cancellation.none());
        assertThat(r.text()).isEqualTo("fine");
        assertThat(server.received()).hasSize(2);
        assertThat(retries()).singleElement().satisfies(e -> {
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.reason()).contains("529", "overloaded_error");
            assertThat(e.delay()).isBetween(Duration.ofMillis(375), Duration.ofMillis(500));
        });
        assertThat(sleeper.delays()).containsExactly(retries().getFirst().delay());
    }

    @Test
    void nonStreamingCallsRetryToo() {
        server.then(LoopbackServer.json(529, OVERLOADED)).then(LoopbackServer.json(503, "upstream down"))
                .then(LoopbackServer.json(200, MESSAGE_JSON));
        assertThat(provider().send(REQUEST, Cancellation.none()).text()).isEqualTo("done");
        assertThat(sleeper.delays()).hasSize(2);
    }

    @Test
    void honoursRetryAfterMs() {
        server.then(LoopbackServer.json(429, Map.of("retry-after-ms", "1500", "retry-after", "9"), "{}"))
                .then(LoopbackServer.json(200, MESSAGE_JSON));
        provider().send(REQUEST, Cancellation.none());
        assertThat(sleeper.delays()).containsExactly(Duration.ofMillis(1500));
    }

    @Test
    void honoursRetryAfterSecondsAndCapsHugeValues() {
        server.then(LoopbackServer.json(429, Map.of("retry-after", "2"), "{}"))
                .then(LoopbackServer.json(429, Map.of("retry-after", "86400"), "{}"))
                .then(LoopbackServer.json(200, MESSAGE_JSON));
        provider().send(REQUEST, Cancellation.none());
        assertThat(sleeper.delays()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(60));
    }

    @Test
    void shouldRetryFalseStopsRetryingAServerError() {
        server.then(LoopbackServer.json(500, Map.of("x-should-retry", "false"),
                "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"},\"request_id\":\"req_500\"}"));
        assertThatThrownBy(() -> provider().send(REQUEST, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.requestId()).contains("req_500");
                });
        assertThat(server.received()).hasSize(1);
        assertThat(sleeper.delays()).isEmpty();
    }

    @Test
    void shouldRetryTrueRetriesEvenA400() {
        server.then(LoopbackServer.json(400, Map.of("x-should-retry", "true"), "{}"))
                .then(LoopbackServer.json(200, MESSAGE_JSON));
        assertThat(provider().send(REQUEST, Cancellation.none()).text()).isEqualTo("done");
        assertThat(server.received()).hasSize(2);
    }

    @Test
    void givesUpAfterMaxRetriesWithTheLastError() {
        for (int i = 0; i < 3; i++) {
            server.then(LoopbackServer.json(529, OVERLOADED));
        }
        assertThatThrownBy(() -> provider(b -> b.http(http().withRetryPolicy(RetryPolicy.DEFAULT.withMaxRetries(2))))
                .stream(REQUEST, heard::add, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.OVERLOADED);
                    assertThat(e.status()).isEqualTo(529);
                    assertThat(e.requestId()).contains("req_529");
                    assertThat(e.getMessage()).contains("gave up after 2 retries");
                });
        assertThat(server.received()).hasSize(3);
        assertThat(retries()).extracting(StreamEvent.Retrying::attempt).containsExactly(1, 2);
        assertThat(sleeper.delays().get(0)).isBetween(Duration.ofMillis(375), Duration.ofMillis(500));
        assertThat(sleeper.delays().get(1)).isBetween(Duration.ofMillis(750), Duration.ofMillis(1000));
    }

    @Test
    void connectionRefusedIsRetriedThenFailsAsConnectionError() throws IOException {
        URI closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        AnthropicProvider provider = new AnthropicProvider(AnthropicConfig.builder(KEY).baseUrl(closedPort)
                .http(http().withRetryPolicy(RetryPolicy.DEFAULT.withMaxRetries(2))).build());
        assertThatThrownBy(() -> provider.stream(REQUEST, heard::add, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.CONNECTION);
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).contains("gave up after 2 retries").doesNotContain(KEY);
                });
        assertThat(retries()).hasSize(2);
        assertThat(sleeper.delays()).hasSize(2);
    }

    @Test
    void requestIdComesFromTheHeaderWhenTheBodyIsNotJson() {
        server.then(LoopbackServer.json(502, Map.of("request-id", "req_hdr", "x-should-retry", "false"),
                "<html>bad gateway</html>"));
        assertThatThrownBy(() -> provider().send(REQUEST, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
                    assertThat(e.requestId()).contains("req_hdr");
                    assertThat(e.getMessage()).contains("502", "bad gateway");
                });
    }

    @Test
    void errorEventMidStreamRestartsTheWholeCall() {
        server.then(LoopbackServer.sse(openText("m_old", "partial")
                        + "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n"))
                .then(LoopbackServer.sse(textStream("m_new", "complete")));
        LlmResponse r = provider().stream(REQUEST, heard::add, Cancellation.none());
        assertThat(r.id()).isEqualTo("m_new");
        assertThat(r.text()).isEqualTo("complete");
        assertThat(heard).hasSize(3);
        assertThat(heard.get(0)).isEqualTo(new StreamEvent.TextDelta(0, "partial"));
        assertThat(heard.get(1)).isInstanceOfSatisfying(StreamEvent.Retrying.class,
                e -> assertThat(e.reason()).contains("overloaded_error"));
        assertThat(heard.get(2)).isEqualTo(new StreamEvent.TextDelta(0, "complete"));
        assertThat(server.received()).hasSize(2);
    }

    @Test
    void nonTransientErrorEventIsNotRetried() {
        server.then(LoopbackServer.sse(openText("m", "x")
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}\n\n"));
        assertThatThrownBy(() -> provider().stream(REQUEST, heard::add, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void streamThatBreaksOffIsRetried() {
        server.then(LoopbackServer.sse(openText("m_cut", "half"))).then(LoopbackServer.sse(textStream("m_ok", "whole")));
        assertThat(provider().stream(REQUEST, heard::add, Cancellation.none()).text()).isEqualTo("whole");
        assertThat(retries()).singleElement().satisfies(e -> assertThat(e.reason()).contains("ended before"));
    }

    @Test
    void stalledStreamIsAbandonedAndRetried() {
        server.then(LoopbackServer.sseThenStall(openText("m_stalled", "stale")))
                .then(LoopbackServer.sse(textStream("m_fresh", "fresh")));
        LlmResponse r = provider(b -> b.http(http().withIdleTimeout(Duration.ofMillis(300)))).stream(REQUEST, heard::add, Cancellation.none());
        assertThat(r.id()).isEqualTo("m_fresh");
        assertThat(r.text()).isEqualTo("fresh");
        assertThat(heard.get(0)).isEqualTo(new StreamEvent.TextDelta(0, "stale"));
        assertThat(heard.get(1)).isInstanceOfSatisfying(StreamEvent.Retrying.class, e -> {
            assertThat(e.reason()).contains("stalled", "300 ms");
        });
        assertThat(heard.get(2)).isEqualTo(new StreamEvent.TextDelta(0, "fresh"));
    }

    @Test
    void stalledStreamFailsAsTimeoutWhenRetriesRunOut() {
        server.then(LoopbackServer.sseThenStall(start("m")));
        assertThatThrownBy(() -> provider(b -> b.http(http().withIdleTimeout(Duration.ofMillis(200)).withRetryPolicy(RetryPolicy.NONE)))
                .stream(REQUEST, heard::add, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.TIMEOUT));
    }

    @Test
    void answerThatNeverStartsTimesOut() {
        server.then(LoopbackServer.silence());
        assertThatThrownBy(() -> provider(b -> b.http(http().withAttemptTimeout(Duration.ofMillis(300)).withRetryPolicy(RetryPolicy.NONE)))
                .send(REQUEST, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.TIMEOUT);
                    assertThat(e.retryable()).isTrue();
                });
    }

    // ---- cancellation

    @Test
    void cancelDuringStreamEndsTheCallPromptly() throws Exception {
        server.then(LoopbackServer.sseThenStall(openText("m", "first")));
        Cancellation cancellation = new Cancellation();
        CountDownLatch streaming = new CountDownLatch(1);
        StreamListener listener = event -> {
            heard.add(event);
            streaming.countDown();
        };
        FutureTask<LlmResponse> call = inBackground(() -> provider().stream(REQUEST, listener, cancellation));
        streaming.await();
        long start = System.nanoTime();
        cancellation.cancel();
        assertThat(failureOf(call)).isInstanceOf(CancellationException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(retries()).isEmpty();
        assertThat(sleeper.delays()).isEmpty();
    }

    @Test
    void cancelBeforeTheAnswerStartsEndsTheCallPromptly() throws Exception {
        CountDownLatch requested = new CountDownLatch(1);
        server.then((exchange, closing) -> {
            requested.countDown();
            closing.await(60, TimeUnit.SECONDS);
        });
        Cancellation cancellation = new Cancellation();
        FutureTask<LlmResponse> call = inBackground(() -> provider().send(REQUEST, cancellation));
        requested.await();
        cancellation.cancel();
        assertThat(failureOf(call)).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancelDuringTheWaitBeforeARetryEndsItPromptly() throws Exception {
        server.then(LoopbackServer.json(429, Map.of("retry-after", "30"), "{}"));
        Cancellation cancellation = new Cancellation();
        CountDownLatch waiting = new CountDownLatch(1);
        StreamListener listener = event -> {
            heard.add(event);
            if (event instanceof StreamEvent.Retrying) {
                waiting.countDown();
            }
        };
        AnthropicProvider provider = provider(b -> b.http(http().withSleeper(Sleeper.system())));
        FutureTask<LlmResponse> call = inBackground(() -> provider.stream(REQUEST, listener, cancellation));
        waiting.await();
        long start = System.nanoTime();
        cancellation.cancel();
        assertThat(failureOf(call)).isInstanceOf(CancellationException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(retries()).singleElement().satisfies(e -> assertThat(e.delay()).isEqualTo(Duration.ofSeconds(30)));
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void alreadyCancelledCallSendsNothing() {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();
        assertThatThrownBy(() -> provider().send(REQUEST, cancellation)).isInstanceOf(CancellationException.class);
        assertThat(server.received()).isEmpty();
    }

    // ---- secrets

    @Test
    void apiKeyNeverAppearsInErrors() {
        server.then(LoopbackServer.json(401, Map.of("request-id", "req_401"),
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key " + KEY + "\"}}"));
        assertThatThrownBy(() -> provider().send(REQUEST, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.AUTHENTICATION);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.requestId()).contains("req_401");
                    assertThat(e.getMessage()).doesNotContain(KEY).contains("[redacted]");
                    assertThat(e.toString()).doesNotContain(KEY);
                });
        assertThat(provider().toString()).doesNotContain(KEY);
        assertThat(provider().config().toString()).doesNotContain(KEY);
    }
}
