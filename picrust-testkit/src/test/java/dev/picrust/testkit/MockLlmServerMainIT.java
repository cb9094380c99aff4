package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs {@link MockLlmServerMain} as a real child JVM, the way the load benchmark does. */
@Timeout(60)
class MockLlmServerMainIT {
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void servesAToolLoopConversationAndExitsOnStdinEof() throws Exception {
        Process process = startMain("--port", "0", "--latency-ms", "100", "--tool-steps", "3", "--tool-name", "lookup",
                "--warm-up-connections", "50");
        int port = awaitListening(process);

        List<String> toolCalls = new ArrayList<>();
        String finalText;
        long start = System.nanoTime();
        try (HttpClient client = HttpClient.newHttpClient()) {
            ArrayNode messages = Json.array().add(Json.object().put("role", "user").put("content", "start"));
            while (true) {
                ObjectNode body = Json.object().put("model", "m").put("max_tokens", 100).put("stream", true);
                body.set("messages", messages.deepCopy());
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                SseTranscript transcript = SseTranscript.parse(response.body());
                transcript.assertCompleteAnthropicStream();
                ObjectNode message = transcript.reassemble();
                messages.add(Json.object().put("role", "assistant").set("content", message.get("content")));
                if (!message.path("stop_reason").asText().equals("tool_use")) {
                    finalText = message.path("content").get(0).path("text").asText();
                    break;
                }
                JsonNode toolUse = message.path("content").get(0);
                toolCalls.add(toolUse.path("name").asText() + " " + Json.write(toolUse.path("input")));
                ObjectNode result = Json.object().put("type", "tool_result")
                        .put("tool_use_id", toolUse.path("id").asText()).put("content", "ok");
                messages.add(Json.object().put("role", "user").set("content", Json.array().add(result)));
                assertThat(toolCalls).hasSizeLessThanOrEqualTo(3);
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(toolCalls).containsExactly("lookup {\"step\":0}", "lookup {\"step\":1}", "lookup {\"step\":2}");
        assertThat(finalText).isEqualTo("Done after 3 tool calls.");
        assertThat(elapsed).as("four responses, each delayed by the latency").isGreaterThanOrEqualTo(Duration.ofMillis(400));

        process.getOutputStream().close();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exits on stdin EOF").isTrue();
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void exitsOnSigterm() throws Exception {
        Process process = startMain("--port", "0", "--tool-steps", "1", "--tool-name", "echo");
        awaitListening(process);

        process.destroy(); // SIGTERM on Unix

        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void rejectsUnknownOptions() throws Exception {
        Process process = startMain("--bogus", "1");

        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("unknown option --bogus");
    }

    private Process startMain(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", testClassPath(), MockLlmServerMain.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        processes.add(process);
        return process;
    }

    /** Surefire and failsafe may boot through a manifest-only jar; they publish the real path here. */
    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static int awaitListening(Process process) throws Exception {
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                return "<io error " + e + ">";
            }
        }).get(30, TimeUnit.SECONDS);
        assertThat(line).matches("LISTENING \\d+");
        return Integer.parseInt(line.substring("LISTENING ".length()));
    }
}
