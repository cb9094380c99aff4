package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MockLlmServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final MockLlmServer server = MockLlmServer.start();

    @AfterEach
    void tearDown() {
        server.close();
        client.close();
    }

    // ---- scripted responses

    @Test
    void streamedTextIsValidSseThatReassemblesToTheScriptedText() throws Exception {
        server.replyText("Hello from the mock, with non-ASCII: 925 ÷ 5 = 185 °F 🙂");

        HttpResponse<String> response = post(streamingBody("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(response.headers().firstValue("request-id")).get().asString().startsWith("req_");
        SseTranscript transcript = SseTranscript.parse(response.body());
        transcript.assertCompleteAnthropicStream();
        assertThat(transcript.names()).contains("ping");
        assertThat(transcript.names().stream().filter("content_block_delta"::equals).count())
                .as("text arrives in several deltas").isGreaterThan(1);
        ObjectNode message = transcript.reassemble();
        assertThat(message.path("content").get(0).path("text").asText())
                .isEqualTo("Hello from the mock, with non-ASCII: 925 ÷ 5 = 185 °F 🙂");
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.path("usage").path("output_tokens").asLong()).isEqualTo(ServerStep.USAGE.outputTokens());
        assertThat(message.path("usage").path("input_tokens").asLong()).isEqualTo(ServerStep.USAGE.inputTokens());
    }

    @Test
    void streamedThinkingTextAndToolUseReassembleToTheScriptedContent() throws Exception {
        ObjectNode input = Json.object().put("location", "San Francisco, CA").put("units", "f");
        input.set("tags", Json.array().add("a").add(1));
        List<ContentBlock> content = List.of(
                new ThinkingBlock("Let me think about the weather.", "c2lnbmF0dXJl"),
                new TextBlock("I'll check."),
                new ToolUseBlock("toolu_01abc", "get_weather", input));
        server.reply(new LlmResponse("msg_1", "claude-test", content, StopReason.TOOL_USE, new Usage(656, 74, 3, 4)));

        SseTranscript transcript = SseTranscript.parse(post(streamingBody("weather?")).body());

        transcript.assertCompleteAnthropicStream();
        ObjectNode message = transcript.reassemble();
        assertThat(message.path("id").asText()).isEqualTo("msg_1");
        assertThat(message.path("model").asText()).isEqualTo("claude-test");
        assertThat(message.path("content")).isEqualTo(
                Json.array().add(Json.object().put("type", "thinking")
                                .put("thinking", "Let me think about the weather.").put("signature", "c2lnbmF0dXJl"))
                        .add(Json.object().put("type", "text").put("text", "I'll check."))
                        .add(((ObjectNode) Json.object().put("type", "tool_use").put("id", "toolu_01abc")
                                .put("name", "get_weather")).set("input", input)));
        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(message.path("usage")).isEqualTo(Json.object().put("input_tokens", 656)
                .put("cache_creation_input_tokens", 4).put("cache_read_input_tokens", 3).put("output_tokens", 74));
        List<String> fragments = transcript.jsonFragments(2);
        assertThat(fragments.getFirst()).as("first fragment is empty, as the API sends").isEmpty();
        assertThat(fragments).hasSizeGreaterThanOrEqualTo(4);
        assertThat(Json.parse(String.join("", fragments))).isEqualTo(input);
        assertThat(transcript.events()).anySatisfy(e -> assertThat(e.data().path("delta").path("type").asText())
                .isEqualTo("signature_delta"));
    }

    @Test
    void severalToolUsesInOneStreamedReplyEachConcatenateToTheirInput() throws Exception {
        ObjectNode first = Json.object().put("path", "a.txt");
        ObjectNode second = Json.object().put("command", "ls -la /tmp && echo \"done\"");
        server.reply(new LlmResponse("msg_2", "m", List.of(new ToolUseBlock("toolu_1", "read", first),
                new ToolUseBlock("toolu_2", "bash", second)), StopReason.TOOL_USE, Usage.ZERO));

        SseTranscript transcript = SseTranscript.parse(post(streamingBody("go")).body());

        transcript.assertCompleteAnthropicStream();
        assertThat(Json.parse(String.join("", transcript.jsonFragments(0)))).isEqualTo(first);
        assertThat(Json.parse(String.join("", transcript.jsonFragments(1)))).isEqualTo(second);
    }

    @Test
    void nonStreamingRequestGetsOneJsonMessage() throws Exception {
        server.replyToolUse("get_weather", Json.object().put("location", "Paris"));

        HttpResponse<String> response = post(Json.write(requestBody("hi", false)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode message = Json.parse(response.body());
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode block = message.path("content").get(0);
        assertThat(block.path("id").asText()).startsWith("toolu_").hasSize("toolu_".length() + 24);
        assertThat(block.path("input")).isEqualTo(Json.object().put("location", "Paris"));
    }

    @Test
    void scriptedRawMessageJsonKeepsUnknownBlocks() throws Exception {
        JsonNode message = Json.parse("""
                {"content":[{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"q":"x"}},
                            {"type":"text","text":"found"}],
                 "stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":6}}""");
        server.enqueue(ServerStep.messageJson(message));

        SseTranscript transcript = SseTranscript.parse(post(streamingBody("search")).body());

        transcript.assertCompleteAnthropicStream();
        ObjectNode reassembled = transcript.reassemble();
        assertThat(reassembled.path("content")).isEqualTo(message.path("content"));
        assertThat(reassembled.path("usage").path("output_tokens").asLong()).isEqualTo(6);
    }

    // ---- failures

    @Test
    void httpErrorInjectionReturnsStatusBodyAndHeaders() throws Exception {
        server.enqueue(ServerStep.httpError(429, "rate_limit_error", "slow down")
                .withHeader("retry-after", "2")
                .withHeader("retry-after-ms", "1500")
                .withHeader("x-should-retry", "true"));

        HttpResponse<String> response = post(streamingBody("hi"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("2");
        assertThat(response.headers().firstValue("retry-after-ms")).hasValue("1500");
        assertThat(response.headers().firstValue("x-should-retry")).hasValue("true");
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = Json.parse(response.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(body.path("error").path("message").asText()).isEqualTo("slow down");
        String requestId = body.path("request_id").asText();
        assertThat(requestId).startsWith("req_");
        assertThat(response.headers().firstValue("request-id")).hasValue(requestId);
    }

    @Test
    void rateLimitedAndOverloadedShortcutsHaveTheRightStatusAndType() throws Exception {
        server.enqueue(ServerStep.rateLimited(Duration.ofMillis(1200)), ServerStep.overloaded());

        HttpResponse<String> limited = post(streamingBody("a"));
        HttpResponse<String> overloaded = post(streamingBody("b"));

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("2");
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(Json.parse(overloaded.body()).path("error").path("type").asText()).isEqualTo("overloaded_error");
    }

    @Test
    void midStreamErrorSendsSomeEventsThenAnErrorEventAndEnds() throws Exception {
        server.enqueue(ServerStep.midStreamOverloaded());
        server.replyText("after the error");

        HttpResponse<String> response = post(streamingBody("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        SseTranscript transcript = SseTranscript.parse(response.body());
        assertThat(transcript.names()).containsExactly(
                "message_start", "content_block_start", "ping", "content_block_delta", "error");
        JsonNode error = transcript.events().getLast().data();
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(error.path("error").path("message").asText()).isEqualTo("Overloaded");
        // The connection was closed, but the next request (a retry) is served normally.
        assertThat(SseTranscript.parse(post(streamingBody("retry")).body()).reassemble()
                .path("content").get(0).path("text").asText()).isEqualTo("after the error");
    }

    @Test
    void unscriptedRequestGetsANonRetryable500NamingIt() throws Exception {
        HttpResponse<String> response = post(streamingBody("nobody scripted me"));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(Json.parse(response.body()).path("error").path("message").asText())
                .contains("no scripted step for request #1", "POST /v1/messages");
        assertThat(server.unscriptedRequestCount()).isEqualTo(1);
    }

    @Test
    void responderThatThrowsGivesA500InsteadOfAHang() throws Exception {
        server.enqueue(ServerStep.dynamic(request -> {
            throw new IllegalStateException("boom");
        }));

        HttpResponse<String> response = post(streamingBody("hi"));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("boom");
    }

    // ---- stalls and holds

    @Test
    void stallSendsMessageStartThenNothingUntilTheServerCloses() throws Exception {
        ServerStep.Stall stall = ServerStep.stall();
        server.enqueue(stall);

        HttpResponse<InputStream> response = client.send(request(streamingBody("hi")),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertThat(reader.readLine()).isEqualTo("event: message_start");
        assertThat(reader.readLine()).startsWith("data: {\"type\":\"message_start\"");
        assertThat(reader.readLine()).isEmpty();
        assertThat(stall.release().awaitReached(WAIT)).isTrue();
        assertThat(stall.ended()).isNotDone();

        CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> readRest(reader));
        server.close();

        assertThat(stall.ended().get(10, TimeUnit.SECONDS)).isEqualTo(ServerStep.StallEnd.SERVER_CLOSED);
        assertThat(rest.get(10, TimeUnit.SECONDS)).as("no further bytes, then the connection drops")
                .isIn("", "<io error>");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void stallEndsWhenReleasedAndTheConnectionDrops() throws Exception {
        ServerStep.Stall stall = ServerStep.stall();
        server.enqueue(stall);
        server.replyText("next");

        CompletableFuture<HttpResponse<String>> stalled = client.sendAsync(request(streamingBody("hi")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stall.release().awaitReached(WAIT)).isTrue();
        stall.release().open();

        assertThat(stall.ended().get(10, TimeUnit.SECONDS)).isEqualTo(ServerStep.StallEnd.RELEASED);
        assertThatThrownBy(() -> stalled.get(10, TimeUnit.SECONDS))
                .as("a body cut off mid-chunk is an I/O error for the client").hasCauseInstanceOf(IOException.class);
        assertThat(post(streamingBody("again")).statusCode()).isEqualTo(200);
    }

    @Test
    void stallNoticesWhenTheClientDisconnects() throws Exception {
        ServerStep.Stall stall = ServerStep.stall();
        server.enqueue(stall);
        byte[] body = streamingBody("hi").getBytes(StandardCharsets.UTF_8);

        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(reader.readLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(stall.release().awaitReached(WAIT)).isTrue();
        }

        assertThat(stall.ended().get(10, TimeUnit.SECONDS)).isEqualTo(ServerStep.StallEnd.CLIENT_DISCONNECTED);
    }

    @Test
    void nonStreamingStallSendsNoHeadersAtAll() throws Exception {
        ServerStep.Stall stall = ServerStep.stall();
        server.enqueue(stall);

        CompletableFuture<HttpResponse<String>> call = client.sendAsync(request(Json.write(requestBody("hi", false))),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stall.release().awaitReached(WAIT)).isTrue();
        assertThat(call).isNotDone();
        stall.release().open();

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void heldStepAnswersOnlyAfterTheGateOpens() throws Exception {
        Gate gate = new Gate();
        server.enqueue(ServerStep.held(gate, ServerStep.text("released")));

        CompletableFuture<HttpResponse<String>> call = client.sendAsync(request(streamingBody("hi")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(gate.awaitReached(WAIT)).isTrue();
        assertThat(server.takeRequest(WAIT)).isPresent();
        assertThat(call).isNotDone();
        gate.open();

        assertThat(SseTranscript.parse(call.get(10, TimeUnit.SECONDS).body()).reassemble()
                .path("content").get(0).path("text").asText()).isEqualTo("released");
    }

    // ---- fixtures

    @Test
    void replayedExchangesGive429Then429ThenTheRecordedStream() throws Exception {
        try (MockLlmServer replay = MockLlmServer.replayExchanges(FixtureFiles.llm("anthropic-http-429-429-then-stream.json"))) {
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                responses.add(client.send(request(replay, streamingBody("extract")), HttpResponse.BodyHandlers.ofString()));
            }

            assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(429, 429, 200);
            assertThat(responses.get(0).headers().firstValue("x-should-retry")).hasValue("true");
            assertThat(Json.parse(responses.get(1).body()).path("error").path("type").asText())
                    .isEqualTo("rate_limit_error");
            assertThat(Json.parse(responses.get(0).body()).path("request_id").asText()).startsWith("req_011CYK5n");
            HttpResponse<String> stream = responses.get(2);
            assertThat(stream.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
            ObjectNode message = SseTranscript.parse(stream.body()).reassemble();
            assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("[12345,67890]");
            assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(replay.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void replayedNonStreamingExchangesReturnTheRecordedJson() throws Exception {
        server.enqueueExchanges(FixtureFiles.llm("anthropic-http-tool-use-then-400.json"));

        HttpResponse<String> first = post(Json.write(requestBody("weather", false)));
        HttpResponse<String> second = post(Json.write(requestBody("weather", false)));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(Json.parse(first.body()).path("content").get(0).path("id").asText())
                .isEqualTo("toolu_01GHndag5wQmbzNihYmV2UBj");
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(second.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(Json.parse(second.body()).path("request_id").asText()).isEqualTo("req_011CYHyk9NPsBYeGbC9LuDNK");
    }

    @Test
    void sseFileIsServedByteForByte() throws Exception {
        var file = FixtureFiles.llm("anthropic-sse-text-then-tool-use.sse");
        server.serveSseFile(file);

        HttpResponse<byte[]> response = client.send(request(streamingBody("weather")), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Files.readAllBytes(file));
        ObjectNode message = SseTranscript.parse(new String(response.body(), StandardCharsets.UTF_8)).reassemble();
        assertThat(message.path("content").get(1).path("input")).isEqualTo(Json.object().put("location", "Paris"));
    }

    @Test
    void jsonlChunksAreReplayedAsNamedSseEvents() throws Exception {
        var file = FixtureFiles.llm("anthropic-chunks-thinking-signature.jsonl");
        server.serveJsonlChunks(file);

        SseTranscript transcript = SseTranscript.parse(post(streamingBody("divide")).body());

        List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        assertThat(transcript.events()).hasSize(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(transcript.events().get(i).data()).isEqualTo(Json.parse(lines.get(i)));
        }
        transcript.events().forEach(e -> assertThat(e.name()).isEqualTo(e.type()));
        ObjectNode message = transcript.reassemble();
        assertThat(message.path("content").get(0).path("thinking").asText())
                .isEqualTo("The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185");
        assertThat(message.path("content").get(1).path("text").asText()).isEqualTo("925 ÷ 5 = 185");
    }

    // ---- recording, latency, dynamic answers

    @Test
    void requestsAreRecordedWithHeadersBodyAndQuery() throws Exception {
        server.replyText("one").replyText("two");
        String body = streamingBody("first");

        client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/messages?beta=true"))
                .header("x-api-key", "sk-test")
                .header("Anthropic-Version", "2023-06-01")
                .header("anthropic-beta", "a")
                .header("anthropic-beta", "b")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        post(streamingBody("second"));

        RecordedRequest first = server.takeRequest(WAIT).orElseThrow();
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.path()).isEqualTo("/v1/messages");
        assertThat(first.query()).isEqualTo("beta=true");
        assertThat(first.header("X-API-KEY")).hasValue("sk-test");
        assertThat(first.header("anthropic-version")).hasValue("2023-06-01");
        assertThat(first.headerValues("Anthropic-Beta")).containsExactly("a", "b");
        assertThat(first.header("missing")).isEmpty();
        assertThat(first.body()).isEqualTo(Json.parse(body));
        assertThat(first.isStreaming()).isTrue();
        assertThat(first.messages()).containsExactly(Message.user("first"));
        RecordedRequest second = server.takeRequest(WAIT).orElseThrow();
        assertThat(second.messages()).containsExactly(Message.user("second"));
        assertThat(second.receivedAt()).isAfterOrEqualTo(first.receivedAt());
        assertThat(server.takeRequest(Duration.ofMillis(50))).isEmpty();
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(server.requests()).containsExactly(first, second);
    }

    @Test
    void chunkedRequestBodiesAreRead() throws Exception {
        server.replyText("ok");
        String body = streamingBody("chunked please");

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        RecordedRequest recorded = server.takeRequest(WAIT).orElseThrow();
        assertThat(recorded.header("transfer-encoding")).hasValue("chunked");
        assertThat(recorded.body()).isEqualTo(Json.parse(body));
    }

    @Test
    void latencyDelaysTheStartOfEachResponse() throws Exception {
        Duration latency = Duration.ofMillis(300);
        server.latency(latency).replyText("slow");

        long start = System.nanoTime();
        HttpResponse<String> response = post(streamingBody("hi"));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(elapsed).isGreaterThanOrEqualTo(latency);
    }

    @Test
    void respondAlwaysAnswersFromTheRequestOnceTheScriptIsEmpty() throws Exception {
        server.replyText("scripted first");
        server.respondAlways(request -> {
            List<Message> messages = request.messages();
            boolean toolResultsLast = !messages.getLast().toolResults().isEmpty();
            return toolResultsLast ? ServerStep.text("tool said: " + messages.getLast().toolResults().getFirst().text())
                    : ServerStep.toolUse("lookup", Json.object().put("q", messages.getLast().text()));
        });

        String scripted = SseTranscript.parse(post(streamingBody("x")).body()).reassemble()
                .path("content").get(0).path("text").asText();
        ObjectNode toolTurn = SseTranscript.parse(post(streamingBody("find cats")).body()).reassemble();
        JsonNode toolUse = toolTurn.path("content").get(0);
        ObjectNode followUp = requestBody("find cats", true);
        followUp.withArray("messages").add(MessageCodec.toJson(Message.assistant(List.of(
                new ToolUseBlock(toolUse.path("id").asText(), "lookup", toolUse.path("input"))))));
        followUp.withArray("messages").add(MessageCodec.toJson(Message.user(List.of(
                ToolResultBlock.text(toolUse.path("id").asText(), "3 cats", false)))));
        ObjectNode answer = SseTranscript.parse(post(Json.write(followUp)).body()).reassemble();

        assertThat(scripted).isEqualTo("scripted first");
        assertThat(toolUse.path("name").asText()).isEqualTo("lookup");
        assertThat(toolUse.path("input")).isEqualTo(Json.object().put("q", "find cats"));
        assertThat(answer.path("content").get(0).path("text").asText()).isEqualTo("tool said: 3 cats");
        assertThat(server.unscriptedRequestCount()).isZero();
    }

    @Test
    void unrecordedToolLoopAnswersWithTheSameBytesAsTheRecordedPath() throws Exception {
        ToolLoopResponder responder = new ToolLoopResponder(2, "echo");
        ObjectNode afterOneStep = requestBody("go", true);
        afterOneStep.withArray("messages").add(MessageCodec.toJson(Message.assistant(List.of(
                new ToolUseBlock("t1", "echo", Json.object().put("step", 0))))));
        afterOneStep.withArray("messages").add(MessageCodec.toJson(Message.user(List.of(
                ToolResultBlock.text("t1", "{\"step\":0}", false)))));
        List<String> bodies = List.of(streamingBody("go"), Json.write(requestBody("go", false)),
                Json.write(afterOneStep), "{\"stream\":\"yes\"}", "not json");
        try (MockLlmServer recorded = MockLlmServer.start().respondAlways(responder);
             MockLlmServer unrecorded = MockLlmServer.start().recordRequests(false).respondAlways(responder);
             Socket toRecorded = new Socket("127.0.0.1", recorded.port());
             Socket toUnrecorded = new Socket("127.0.0.1", unrecorded.port())) {
            for (String body : bodies) {
                for (boolean close : List.of(false, true)) {
                    Socket a = close ? new Socket("127.0.0.1", recorded.port()) : toRecorded;
                    Socket b = close ? new Socket("127.0.0.1", unrecorded.port()) : toUnrecorded;
                    String expected = exchange(a, body, close);
                    assertThat(exchange(b, body, close)).as(body).isEqualTo(expected);
                    if (close) {
                        a.close();
                        b.close();
                    }
                }
            }
            assertThat(recorded.requests()).hasSize(2 * bodies.size());
            assertThat(unrecorded.requests()).isEmpty();
            assertThat(unrecorded.requestCount()).isEqualTo(2 * bodies.size());
        }
    }

    /** One request on an open connection; the whole response (head and body) as text. */
    private static String exchange(Socket socket, String body, boolean close) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                + (close ? "connection: close\r\n" : "") + "content-length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder response = new StringBuilder();
        while (!response.toString().endsWith("\r\n\r\n")) {
            response.append((char) in.read());
        }
        String head = response.toString().toLowerCase(java.util.Locale.ROOT);
        if (head.contains("transfer-encoding: chunked")) {
            while (!response.toString().endsWith("\r\n0\r\n\r\n")) {
                response.append((char) in.read());
            }
        } else {
            int length = Integer.parseInt(head.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
            response.append(new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
        }
        // The 500 for a failed responder names a fresh request id; compare the rest.
        return response.toString().replaceAll("req_mock_\\w+", "req_mock_ID");
    }

    @Test
    void manyConcurrentStreamsAreServed() throws Exception {
        server.respondAlways(new ToolLoopResponder(1, "echo"));
        int clients = 200;
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        try (HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 0; i < clients; i++) {
                calls.add(http11.sendAsync(request(streamingBody("go " + i)), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get(20, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(SseTranscript.parse(response.body()).reassemble().path("stop_reason").asText())
                        .isEqualTo("tool_use");
            }
        }
        assertThat(server.requestCount()).isEqualTo(clients);
    }

    // ---- helpers

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return client.send(request(body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String body) {
        return request(server, body);
    }

    private static HttpRequest request(MockLlmServer target, String body) {
        return HttpRequest.newBuilder(URI.create(target.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static String streamingBody(String prompt) {
        return Json.write(requestBody(prompt, true));
    }

    static ObjectNode requestBody(String prompt, boolean stream) {
        ObjectNode body = Json.object().put("model", "claude-test").put("max_tokens", 1024).put("stream", stream);
        body.set("messages", Json.array().add(MessageCodec.toJson(Message.user(prompt))));
        return body;
    }

    private static String readRest(BufferedReader reader) {
        try {
            StringBuilder rest = new StringBuilder();
            int c;
            while ((c = reader.read()) >= 0) {
                rest.append((char) c);
            }
            return rest.toString();
        } catch (IOException e) {
            return "<io error>";
        }
    }
}
