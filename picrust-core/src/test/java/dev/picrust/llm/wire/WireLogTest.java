package dev.picrust.llm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.LoopbackServer;
import dev.picrust.llm.Message;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request log behind --verbose / --debug, on a real provider over loopback HTTP: what it writes, and no key in any of it. */
class WireLogTest {
    /** Not shaped like any provider key: only knowing it (the provider registers it) can hide it. */
    static final String KEY = "plain-wirelog-key-0123456789abcdef";

    @TempDir Path dir;
    final LoopbackServer server;
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    WireLogTest() throws IOException {
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        HttpRetryLoop.record(WireRecorder.OFF);
        server.close();
    }

    AnthropicProvider provider() {
        return new AnthropicProvider(AnthropicConfig.builder(KEY).baseUrl(server.baseUrl())
                .http(HttpSettings.DEFAULTS.withRetryPolicy(RetryPolicy.NONE).withIdleTimeout(Duration.ofSeconds(30))).build());
    }

    static LlmRequest request() {
        return LlmRequest.of("claude-test", List.of(Message.user("the key is " + KEY)), 256);
    }

    static String stream(String text) {
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-test\",\"content\":[],\"stop_reason\":null,"
                + "\"usage\":{\"input_tokens\":11,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve("debug"))) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    String file(String name) throws IOException {
        return Files.readString(dir.resolve("debug").resolve(name));
    }

    @Test
    void verbosePrintsOneLinePerExchangeAndWritesNoFiles() {
        AnthropicProvider provider = provider();
        HttpRetryLoop.record(new WireLog(Optional.of(new PrintStream(err, true, StandardCharsets.UTF_8)), false,
                () -> Optional.of(dir.resolve("debug"))));
        server.then(LoopbackServer.sse(stream("hello")));
        LlmResponse response = provider.stream(request(), StreamListener.NONE, Cancellation.none());
        assertThat(response.text()).isEqualTo("hello");

        assertThat(stderr().lines().toList()).singleElement().asString()
                .matches("picrust: \\[\\d+] Anthropic POST http://127\\.0\\.0\\.1:\\d+/v1/messages -> 200 in \\d+ ms, "
                        + "11 tokens in, 7 out, stop end_turn");
        assertThat(dir.resolve("debug")).doesNotExist();
    }

    @Test
    void debugWritesRedactedRequestsAndRawAnswersToTheFolderAndStderr() throws IOException {
        AnthropicProvider provider = provider();
        HttpRetryLoop.record(new WireLog(Optional.of(new PrintStream(err, true, StandardCharsets.UTF_8)), true,
                () -> Optional.of(dir.resolve("debug"))));
        server.then(LoopbackServer.sse(stream("you said " + KEY)));
        provider.stream(request(), StreamListener.NONE, Cancellation.none());
        // An error answer that echoes the key back, as some proxies do.
        server.then(LoopbackServer.json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                + "\"message\":\"invalid x-api-key " + KEY + "\"}}"));
        assertThatThrownBy(() -> provider.stream(request(), StreamListener.NONE, Cancellation.none()))
                .isInstanceOf(LlmException.class);

        assertThat(server.received().getFirst().header("x-api-key")).as("the key did go on the wire").isEqualTo(KEY);
        assertThat(files()).hasSize(4).allMatch(name -> name.matches("\\d{4}-(request|response)\\.txt"));
        String request = file(files().get(0));
        assertThat(request).startsWith("POST http://127.0.0.1:").contains("x-api-key: [REDACTED]")
                .contains("\"model\":\"claude-test\"").contains("the key is [REDACTED]");
        String answer = file(files().get(1));
        assertThat(answer).startsWith("HTTP 200").contains("event: message_start").contains("you said [REDACTED]");
        String error = file(files().get(3));
        assertThat(error).startsWith("HTTP 401").contains("invalid x-api-key [REDACTED]");
        assertThat(stderr()).contains("-> 401 in").contains("(failed: ").contains("event: content_block_delta");

        for (String name : files()) {
            assertThat(file(name)).as(name).doesNotContain(KEY);
        }
        assertThat(stderr()).doesNotContain(KEY);
    }

    @Test
    void offRecordsNothing() {
        AnthropicProvider provider = provider();
        server.then(LoopbackServer.sse(stream("quiet")));
        provider.stream(request(), StreamListener.NONE, Cancellation.none());
        assertThat(stderr()).isEmpty();
        assertThat(dir.resolve("debug")).doesNotExist();
    }
}
