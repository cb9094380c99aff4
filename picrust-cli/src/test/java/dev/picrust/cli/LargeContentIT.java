package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.ServerStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code picrust run} as a real process: a 25 MB Write input and a 25 MB answer (over Jackson's
 * default 20,000,000-character string limit) stream in over loopback, are written and stored, and a
 * second process resuming the session sends both back to the model.
 */
class LargeContentIT {
    private static final int SIZE = 25_000_000;

    @TempDir Path dir;

    private static String large(char first) {
        StringBuilder text = new StringBuilder(SIZE);
        for (int i = 0; text.length() < SIZE; i++) {
            text.append(first).append(i % 10);
        }
        text.setLength(SIZE);
        return text.toString();
    }

    @Test
    void aTwentyFiveMegabyteWriteAndAnswerSurviveAResumeInANewProcess() throws Exception {
        String content = large('w');
        String answer = large('a');
        Path workspace = Files.createDirectories(dir.resolve("work"));
        Path sessions = dir.resolve("sessions");
        try (MockLlmServer server = MockLlmServer.start()) {
            Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890",
                    "ANTHROPIC_BASE_URL", server.baseUrl());
            server.enqueue(ServerStep.toolUse("Write", Json.object().put("file_path", "big.txt").put("content", content)),
                    ServerStep.text(answer));
            // A model with no known context window: with one, 50 MB of history is far over it and the
            // agent rightly compacts (CompactorTest covers that); here the content itself must go round.
            CliProcess first = CliProcess.start(dir, env, "run", "--sessions-dir", sessions.toString(),
                    "--model", "unwindowed-test-model", "--cwd", workspace.toString(), "--output", "jsonl", "--allow", "Write", "--session-id", "big",
                    "write a big file, then say a lot");
            List<String> out = new ArrayList<>();
            assertThat(first.finish(out)).as(first.stderr.get()).isZero();
            StringBuilder streamed = new StringBuilder();
            for (String line : out) {
                JsonNode chunk = Json.parse(line);
                if (chunk.path("type").asText().equals("text_delta")) {
                    streamed.append(chunk.path("text").asText());
                }
            }
            assertThat(streamed.toString()).isEqualTo(answer);
            assertThat(Files.readString(workspace.resolve("big.txt"))).isEqualTo(content);

            server.enqueue(ServerStep.text("still here"));
            CliProcess second = CliProcess.start(dir, env, "run", "--sessions-dir", sessions.toString(),
                    "--output", "jsonl", "--resume", "big", "are you there?");
            List<String> resumed = new ArrayList<>();
            assertThat(second.finish(resumed)).as(second.stderr.get()).isZero();
            assertThat(String.join("\n", resumed)).doesNotContain("session_repaired")
                    .contains("{\"type\":\"done\",\"reason\":\"end_turn\"}");
            String request = server.requests().getLast().body().toString();
            assertThat(request).contains(answer).contains(content);
        }
    }
}
