package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.ModelHistory;
import dev.picrust.agent.Permissions;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.StatusCode;
import dev.picrust.json.Json;
import dev.picrust.llm.ApiKind;
import dev.picrust.llm.HistoryConversion;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.Message;
import dev.picrust.llm.ModelRef;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.permission.PermissionMode;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.builtin.BuiltinTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One session continued by three models: Anthropic, then OpenAI Chat Completions, then Gemini, each
 * resuming the session written by the others; every request must be valid for its API.
 */
class ModelSwitchTest {
    @TempDir Path dir;

    @Test
    void sessionContinuesAnthropicThenOpenAiThenGemini() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (MockLlmServer server = MockLlmServer.start()) {
            server.enqueue(threeTurns());

            turn(store, work, ProviderToolLoopTest.Api.ANTHROPIC.create.apply(server.baseUrl()), "claude-test", true,
                    "write a note");
            turn(store, work, ProviderToolLoopTest.Api.OPENAI.create.apply(server.baseUrl()), "gpt-test", false,
                    "read it");
            turn(store, work, ProviderToolLoopTest.Api.GEMINI.create.apply(server.baseUrl()), "gemini-test", false,
                    "append two");

            List<RecordedRequest> requests = server.requests();
            assertThat(requests).extracting(RecordedRequest::wireFormat).containsExactly(
                    WireFormat.ANTHROPIC, WireFormat.ANTHROPIC, WireFormat.OPENAI_CHAT, WireFormat.OPENAI_CHAT,
                    WireFormat.GEMINI, WireFormat.GEMINI);
            for (RecordedRequest request : requests) {
                assertThat(WireRequestCheck.problems(request)).as(request.body().toString()).isEmpty();
            }
            // Claude's own thinking goes back to Claude with its signature...
            assertThat(requests.get(1).body().toString()).contains("\"signature\":\"sig-claude\"");
            // ...and reaches OpenAI as plain text.
            JsonNode toOpenAi = requests.get(2).body();
            assertThat(toOpenAi.toString()).doesNotContain("sig-claude").contains("I should write the note.");
            // Gemini gets every call named, the foreign ones with the placeholder signature.
            JsonNode toGemini = requests.get(4).body();
            assertThat(toGemini.toString()).contains(HistoryConversion.GEMINI_PLACEHOLDER_SIGNATURE)
                    .contains("\"functionResponse\":{\"name\":\"Write\"")
                    .contains("\"functionResponse\":{\"name\":\"Read\"");
            // Gemini's own call goes back to Gemini as it came (no id on the wire, name kept).
            JsonNode last = requests.get(5).body().path("contents");
            assertThat(last.get(last.size() - 1).toString()).contains("\"name\":\"Bash\"");
        }
        assertThat(Files.readString(work.resolve("n.txt"))).isEqualTo("one\ntwo\n");

        try (AgentSession session = store.open("switch")) {
            List<Message> history = session.messages();
            assertThat(history).hasSize(12);
            List<ObjectNode> records = session.records().stream()
                    .filter(r -> r.path("record").asText().equals(ModelHistory.RECORD)).toList();
            assertThat(records).extracting(r -> r.path("from_message").asInt()).containsExactly(0, 4, 8);
            assertThat(records).extracting(r -> r.path("provider").asText()).containsExactly("anthropic", "openai", "gemini");
            List<Optional<ModelRef>> origins = ModelHistory.origins(history, session.records());
            assertThat(origins.get(1)).hasValue(new ModelRef(ApiKind.ANTHROPIC_MESSAGES, "claude-test"));
            assertThat(origins.get(5)).hasValue(new ModelRef(ApiKind.OPENAI_COMPLETIONS, "gpt-test"));
            assertThat(origins.get(11)).hasValue(new ModelRef(ApiKind.GOOGLE_GENERATIVE_AI, "gemini-test"));
            assertThat(origins.get(0)).isEmpty();
            // The stored history is never rewritten: Claude's thinking is still there, signed.
            assertThat(history.get(1).content().getFirst()).isEqualTo(new ThinkingBlock("I should write the note.", "sig-claude"));
        }
    }

    /**
     * One live agent, switched between turns with {@code handle.setModel}: Anthropic, then OpenAI,
     * then Gemini. A switch asked for during a turn waits for that turn to end; every request is valid
     * for its API; the session records which model answered each message; a resume after the switches
     * goes on with the last model and records nothing new.
     */
    @Test
    void liveAgentSwitchesModelBetweenTurns() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (MockLlmServer server = MockLlmServer.start(); AgentRuntime runtime = new AgentRuntime(store)) {
            server.enqueue(threeTurns()).enqueue(ServerStep.text("Still here."));
            LlmProvider openAi = ProviderToolLoopTest.Api.OPENAI.create.apply(server.baseUrl());
            LlmProvider gemini = ProviderToolLoopTest.Api.GEMINI.create.apply(server.baseUrl());
            AgentHandle handle = runtime.spawn(config(ProviderToolLoopTest.Api.ANTHROPIC.create.apply(server.baseUrl()),
                    "claude-test", work), "live");

            // Asked for while the first turn runs (its tool has started): the turn still ends on Claude.
            Subscription sub = handle.subscribe(Integer.MAX_VALUE);
            handle.send("write a note");
            List<OutputChunk> first = new java.util.ArrayList<>();
            while (true) {
                OutputChunk chunk = sub.poll(ProviderToolLoopTest.WAIT).orElseThrow();
                first.add(chunk);
                if (chunk instanceof OutputChunk.ToolStart) {
                    handle.setModel(openAi, "gpt-test");
                }
                if (chunk instanceof OutputChunk.Done) {
                    break;
                }
            }
            assertThat(((OutputChunk.Done) first.getLast()).reason()).as(first.toString()).isEqualTo(EndReason.END_TURN);
            assertThat(first).noneMatch(c -> c instanceof OutputChunk.Status s && s.code() == StatusCode.MODEL_SWITCHED);

            List<OutputChunk> second = prompt(handle, sub, "read it");
            assertThat(second).anyMatch(c -> c instanceof OutputChunk.Status s && s.code() == StatusCode.MODEL_SWITCHED
                    && s.message().contains("gpt-test"));
            assertThat(handle.metadata().model()).isEqualTo("gpt-test");
            assertThat(handle.metadata().provider()).isEqualTo("openai");

            handle.setModel(gemini, "gemini-test");
            prompt(handle, sub, "append two");
            assertThat(handle.metadata().model()).isEqualTo("gemini-test");
            handle.shutdown();
            handle.awaitTermination(ProviderToolLoopTest.WAIT);

            // Resumed on the model it ended with: no new record, Gemini's own history goes back as it was.
            AgentHandle resumed = runtime.resume(config(gemini, "gemini-test", work), "live");
            prompt(resumed, resumed.subscribe(Integer.MAX_VALUE), "still there?");
            resumed.shutdown();
            resumed.awaitTermination(ProviderToolLoopTest.WAIT);

            List<RecordedRequest> requests = server.requests();
            assertThat(requests).extracting(RecordedRequest::wireFormat).containsExactly(
                    WireFormat.ANTHROPIC, WireFormat.ANTHROPIC, WireFormat.OPENAI_CHAT, WireFormat.OPENAI_CHAT,
                    WireFormat.GEMINI, WireFormat.GEMINI, WireFormat.GEMINI);
            for (RecordedRequest request : requests) {
                assertThat(WireRequestCheck.problems(request)).as(request.body().toString()).isEmpty();
            }
            assertThat(requests.get(1).body().toString()).contains("\"signature\":\"sig-claude\"");
            assertThat(requests.get(2).body().toString()).doesNotContain("sig-claude").contains("I should write the note.");
            assertThat(requests.get(4).body().toString()).contains(HistoryConversion.GEMINI_PLACEHOLDER_SIGNATURE)
                    .contains("\"functionResponse\":{\"name\":\"Write\"");
        }
        assertThat(Files.readString(work.resolve("n.txt"))).isEqualTo("one\ntwo\n");

        try (AgentSession session = store.open("live")) {
            List<Message> history = session.messages();
            assertThat(history).hasSize(14);
            List<ObjectNode> records = session.records().stream()
                    .filter(r -> r.path("record").asText().equals(ModelHistory.RECORD)).toList();
            assertThat(records).extracting(r -> r.path("from_message").asInt()).containsExactly(0, 4, 8);
            assertThat(records).extracting(r -> r.path("provider").asText()).containsExactly("anthropic", "openai", "gemini");
            List<Optional<ModelRef>> origins = ModelHistory.origins(history, session.records());
            ModelRef claude = new ModelRef(ApiKind.ANTHROPIC_MESSAGES, "claude-test");
            ModelRef gpt = new ModelRef(ApiKind.OPENAI_COMPLETIONS, "gpt-test");
            ModelRef geminiRef = new ModelRef(ApiKind.GOOGLE_GENERATIVE_AI, "gemini-test");
            assertThat(origins).containsExactly(Optional.empty(), Optional.of(claude), Optional.empty(), Optional.of(claude),
                    Optional.empty(), Optional.of(gpt), Optional.empty(), Optional.of(gpt),
                    Optional.empty(), Optional.of(geminiRef), Optional.empty(), Optional.of(geminiRef),
                    Optional.empty(), Optional.of(geminiRef));
            assertThat(session.metadata().model()).isEqualTo("gemini-test");
        }
    }

    /** Write a note (Claude thinks first), read it, append to it: one turn per model, two steps each. */
    private static List<ServerStep> threeTurns() {
        return List.of(
                ServerStep.content(StopReason.TOOL_USE, List.of(new ThinkingBlock("I should write the note.", "sig-claude"),
                        ScriptedModel.toolUse("Write", Json.object().put("file_path", "n.txt").put("content", "one\n")))),
                ServerStep.text("Wrote it."),
                ServerStep.content(StopReason.TOOL_USE, List.of(new TextBlock("Reading."),
                        ScriptedModel.toolUse("Read", Json.object().put("file_path", "n.txt")))),
                ServerStep.text("It says one."),
                ServerStep.content(StopReason.TOOL_USE, List.of(
                        ScriptedModel.toolUse("Bash", Json.object().put("command", "echo two >> n.txt")))),
                ServerStep.text("Appended two."));
    }

    private static List<OutputChunk> prompt(AgentHandle handle, Subscription sub, String text) throws Exception {
        handle.send(text);
        List<OutputChunk> chunks = ProviderToolLoopTest.untilDone(sub);
        assertThat(((OutputChunk.Done) chunks.getLast()).reason()).as(chunks.toString()).isEqualTo(EndReason.END_TURN);
        return chunks;
    }

    private static AgentConfig config(LlmProvider provider, String model, Path work) {
        return AgentConfig.builder(provider)
                .model(model)
                .tools(new ToolRegistry().registerAll(BuiltinTools.all()))
                .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS))
                .workingDirectory(work)
                .build();
    }

    private static void turn(SessionStore store, Path work, LlmProvider provider, String model, boolean first,
                             String prompt) throws Exception {
        try (AgentRuntime runtime = new AgentRuntime(store)) {
            AgentConfig config = config(provider, model, work);
            AgentHandle handle = first ? runtime.spawn(config, "switch") : runtime.resume(config, "switch");
            Subscription sub = handle.subscribe(Integer.MAX_VALUE);
            handle.send(prompt);
            List<OutputChunk> chunks = ProviderToolLoopTest.untilDone(sub);
            assertThat(((OutputChunk.Done) chunks.getLast()).reason()).as(chunks.toString()).isEqualTo(EndReason.END_TURN);
            handle.shutdown();
            handle.awaitTermination(ProviderToolLoopTest.WAIT);
        }
    }
}
