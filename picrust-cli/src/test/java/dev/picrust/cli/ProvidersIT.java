package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.RecordedRequest;
import dev.picrust.testkit.ScriptedModel;
import dev.picrust.testkit.ServerStep;
import dev.picrust.testkit.WireFormat;
import dev.picrust.testkit.WireRequestCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code picrust run --provider openai|gemini} and {@code --model provider/model} as real processes against MockLlmServer. */
class ProvidersIT {
    @TempDir Path dir;
    MockLlmServer server;
    Path sessions;
    Path workspace;

    @BeforeEach
    void start() throws Exception {
        server = MockLlmServer.start();
        sessions = dir.resolve("sessions");
        workspace = Files.createDirectories(dir.resolve("work"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Map<String, String> openAiEnv() {
        return Map.of("OPENAI_API_KEY", "sk-openai-test-1234567890", "OPENAI_BASE_URL", server.baseUrl() + "/v1");
    }

    Map<String, String> geminiEnv() {
        return Map.of("GEMINI_API_KEY", "gemini-test-key-1234567890", "GEMINI_BASE_URL", server.baseUrl() + "/v1beta");
    }

    CliProcess run(Map<String, String> env, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--sessions-dir", sessions.toString(),
                "--cwd", workspace.toString(), "--output", "jsonl"));
        args.addAll(List.of(extra));
        return CliProcess.start(dir, env, args.toArray(String[]::new));
    }

    static List<JsonNode> chunks(List<String> lines) throws Exception {
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : lines) {
            chunks.add(Json.parse(line));
        }
        return chunks;
    }

    static String text(List<JsonNode> chunks) {
        return chunks.stream().filter(c -> c.path("type").asText().equals("text_delta"))
                .map(c -> c.path("text").asText()).reduce("", String::concat);
    }

    private void toolLoop(Map<String, String> env, String provider, String model, WireFormat format) throws Exception {
        server.enqueue(
                ServerStep.content(StopReason.TOOL_USE, List.of(new TextBlock("Writing."),
                        ScriptedModel.toolUse("Write", Json.object().put("file_path", "a.txt").put("content", "hello\n")))),
                ServerStep.toolUse("Bash", Json.object().put("command", "cat a.txt | tr a-z A-Z")),
                ServerStep.text("The file says HELLO."));
        CliProcess cli = run(env, "--provider", provider, "--model", model, "--session-id", provider,
                "--allow", "Write", "--allow", "Bash", "shout the file");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        List<JsonNode> chunks = chunks(out);
        assertThat(chunks.stream().filter(c -> c.path("type").asText().equals("tool_end")).toList())
                .hasSize(2).last().satisfies(end -> assertThat(end.path("content").toString()).contains("HELLO"));
        assertThat(text(chunks)).endsWith("The file says HELLO.");
        assertThat(server.requests()).hasSize(3).allSatisfy(request -> {
            assertThat(request.wireFormat()).isEqualTo(format);
            assertThat(WireRequestCheck.problems(request)).as(request.body().toString()).isEmpty();
            assertThat(request.isStreaming()).isTrue();
        });
        try (AgentSession s = SessionStore.at(sessions).open(provider)) {
            assertThat(s.messages()).extracting(Message::role)
                    .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
            assertThat(s.metadata().provider()).isEqualTo(provider);
            assertThat(s.metadata().model()).isEqualTo(model);
        }
    }

    @Test
    void openAiMultiStepToolLoop() throws Exception {
        toolLoop(openAiEnv(), "openai", "gpt-test", WireFormat.OPENAI_CHAT);
        RecordedRequest first = server.requests().getFirst();
        assertThat(first.path()).isEqualTo("/v1/chat/completions");
        assertThat(first.header("authorization")).hasValue("Bearer sk-openai-test-1234567890");
        assertThat(first.body().path("model").asText()).isEqualTo("gpt-test");
    }

    @Test
    void geminiMultiStepToolLoop() throws Exception {
        toolLoop(geminiEnv(), "gemini", "gemini-test", WireFormat.GEMINI);
        RecordedRequest first = server.requests().getFirst();
        assertThat(first.path()).isEqualTo("/v1beta/models/gemini-test:streamGenerateContent");
        assertThat(first.header("x-goog-api-key")).hasValue("gemini-test-key-1234567890");
    }

    private void rateLimitedThenMidStreamErrorThenSuccess(Map<String, String> env, String provider) throws Exception {
        server.enqueue(ServerStep.rateLimited(java.time.Duration.ZERO), ServerStep.midStreamOverloaded(),
                ServerStep.text("fine now"));
        CliProcess cli = run(env, "--provider", provider, "--model", "m1", "--session-id", "retry", "hi");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        List<JsonNode> chunks = chunks(out);
        List<JsonNode> retries = chunks.stream().filter(c -> c.path("type").asText().equals("status")
                && c.path("code").asText().equals("retry")).toList();
        assertThat(retries).hasSize(2);
        assertThat(retries.get(0).path("message").asText()).contains("429");
        assertThat(server.requestCount()).isEqualTo(3);
        try (AgentSession s = SessionStore.at(sessions).open("retry")) {
            assertThat(s.messages()).containsExactly(Message.user("hi"), Message.assistant("fine now"));
        }
    }

    @Test
    void openAiRateLimitThenMidStreamErrorThenSuccess() throws Exception {
        rateLimitedThenMidStreamErrorThenSuccess(openAiEnv(), "openai");
    }

    @Test
    void geminiRateLimitThenMidStreamErrorThenSuccess() throws Exception {
        rateLimitedThenMidStreamErrorThenSuccess(geminiEnv(), "gemini");
    }

    @Test
    void namedLocalModelFromModelsJsonJustWorks() throws Exception {
        Path home = Files.createDirectories(dir.resolve("picrust-home"));
        Files.writeString(home.resolve("models.json"), """
                {"providers": {"local": {"baseUrl": "%s/v1", "api": "openai-completions",
                  "models": [{"id": "qwen3", "contextWindow": 32768, "maxTokens": 4096}]}}}""".formatted(server.baseUrl()));
        server.enqueue(ServerStep.text("local answer"));
        CliProcess cli = run(Map.of(), "--model", "local/qwen3", "hi");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        assertThat(text(chunks(out))).isEqualTo("local answer");
        RecordedRequest request = server.requests().getFirst();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("authorization")).isEmpty();
        assertThat(request.body().path("model").asText()).isEqualTo("qwen3");
        assertThat(request.body().path("max_tokens").asInt()).isEqualTo(4096);

        CliProcess models = CliProcess.start(dir, Map.of("OPENAI_API_KEY", "x"), "models", "--cwd", workspace.toString());
        List<String> listing = new ArrayList<>();
        assertThat(models.finish(listing)).isZero();
        assertThat(String.join("\n", listing)).contains("local/qwen3").contains("32768").contains("4096")
                .contains("anthropic/claude-sonnet-4-5").contains("$OPENAI_API_KEY (set)")
                .contains("$GEMINI_API_KEY (not set)").doesNotContain("x,");
    }

    @Test
    void resumeWithAnotherProviderContinuesTheSessionWithAValidHistory() throws Exception {
        server.enqueue(
                ServerStep.content(StopReason.TOOL_USE, List.of(new ThinkingBlock("Plan: write.", "sig-1"),
                        ScriptedModel.toolUse("Write", Json.object().put("file_path", "a.txt").put("content", "hi\n")))),
                ServerStep.text("Written."),
                ServerStep.text("Continued on OpenAI."));
        Map<String, String> env = new HashMap<>(openAiEnv());
        env.put("ANTHROPIC_API_KEY", "sk-ant-test-1234567890");
        env.put("ANTHROPIC_BASE_URL", server.baseUrl());
        CliProcess first = run(env, "--session-id", "hop", "--allow", "Write", "write it");
        assertThat(first.finish(new ArrayList<>())).as(first.stderr.get()).isZero();
        CliProcess resumed = run(env, "--resume", "hop", "--provider", "openai", "--model", "gpt-test", "go on");
        List<String> out = new ArrayList<>();
        assertThat(resumed.finish(out)).as(resumed.stderr.get()).isZero();
        assertThat(text(chunks(out))).isEqualTo("Continued on OpenAI.");

        RecordedRequest continued = server.requests().getLast();
        assertThat(continued.wireFormat()).isEqualTo(WireFormat.OPENAI_CHAT);
        assertThat(WireRequestCheck.problems(continued)).as(continued.body().toString()).isEmpty();
        assertThat(continued.body().toString()).contains("Plan: write.").doesNotContain("sig-1");
        try (AgentSession s = SessionStore.at(sessions).open("hop")) {
            assertThat(s.metadata().provider()).isEqualTo("openai");
            assertThat(s.records().stream().filter(r -> r.path("record").asText().equals("model"))
                    .map(r -> r.path("model").asText()).toList()).containsExactly("claude-sonnet-4-5", "gpt-test");
        }
    }

    @Test
    void missingKeyAndUnknownProviderAreOneLineErrors() throws Exception {
        CliProcess gemini = run(Map.of(), "--provider", "gemini", "hi");
        assertThat(gemini.finish(new ArrayList<>())).isEqualTo(2);
        assertThat(gemini.stderr.get()).contains("GEMINI_API_KEY").doesNotContain("\tat ");
        CliProcess unknown = run(Map.of(), "--provider", "cohere", "hi");
        assertThat(unknown.finish(new ArrayList<>())).isEqualTo(2);
        assertThat(unknown.stderr.get()).contains("unknown provider 'cohere'").contains("anthropic, openai, gemini");
    }
}
