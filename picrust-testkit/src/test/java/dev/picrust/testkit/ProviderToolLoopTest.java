package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Permissions;
import dev.picrust.json.Json;
import dev.picrust.llm.HttpSettings;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.Message;
import dev.picrust.llm.RetryPolicy;
import dev.picrust.llm.Role;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.llm.gemini.GeminiConfig;
import dev.picrust.llm.gemini.GeminiProvider;
import dev.picrust.llm.openai.OpenAiConfig;
import dev.picrust.llm.openai.OpenAiProvider;
import dev.picrust.permission.PermissionMode;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.builtin.BuiltinTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same multi-step tool loop (write a file, read it back, answer) through the real agent loop,
 * each provider speaking its own wire format over loopback HTTP to {@link MockLlmServer}, streaming
 * and not; every request the server sees must be valid for its API.
 */
class ProviderToolLoopTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir Path dir;

    enum Api {
        ANTHROPIC(url -> new AnthropicProvider(AnthropicConfig.builder("sk-ant-test-key").baseUrl(url)
                .http(HttpSettings.DEFAULTS.withRetryPolicy(RetryPolicy.NONE)).build())),
        OPENAI(url -> new OpenAiProvider(OpenAiConfig.builder("sk-test-key").baseUrl(url + "/v1")
                .http(HttpSettings.DEFAULTS.withRetryPolicy(RetryPolicy.NONE)).build())),
        GEMINI(url -> new GeminiProvider(GeminiConfig.builder("gemini-test-key").baseUrl(url + "/v1beta")
                .http(HttpSettings.DEFAULTS.withRetryPolicy(RetryPolicy.NONE)).build()));

        final Function<String, LlmProvider> create;

        Api(Function<String, LlmProvider> create) {
            this.create = create;
        }

        /** An agent on this API against {@code server}, with every built-in tool and no permission prompts. */
        AgentConfig.Builder agent(MockLlmServer server, Path work) {
            return AgentConfig.builder(create.apply(server.baseUrl()))
                    .model("test-model")
                    .tools(new ToolRegistry().registerAll(BuiltinTools.all()))
                    .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS))
                    .workingDirectory(work);
        }
    }

    static List<ServerStep> script() {
        return List.of(
                ServerStep.content(StopReason.TOOL_USE, List.of(new TextBlock("Writing it."),
                        ScriptedModel.toolUse("Write", Json.object().put("file_path", "note.txt").put("content", "hello\n")))),
                ServerStep.content(StopReason.TOOL_USE, List.of(
                        ScriptedModel.toolUse("Read", Json.object().put("file_path", "note.txt")),
                        ScriptedModel.toolUse("Glob", Json.object().put("pattern", "*.txt")))),
                ServerStep.text("The note says hello."));
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void streamedToolLoop(Api api) throws Exception {
        run(api, true);
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void plainToolLoop(Api api) throws Exception {
        run(api, false);
    }

    private void run(Api api, boolean streaming) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (MockLlmServer server = MockLlmServer.start(); AgentRuntime runtime = new AgentRuntime(store)) {
            server.enqueue(script());
            AgentConfig config = api.agent(server, work).streaming(streaming).build();
            AgentHandle handle = runtime.spawn(config, "loop");
            Subscription sub = handle.subscribe(Integer.MAX_VALUE);
            handle.send("write a note and read it back");
            List<OutputChunk> chunks = untilDone(sub);

            OutputChunk.Done done = (OutputChunk.Done) chunks.getLast();
            assertThat(done.reason()).as(chunks.toString()).isEqualTo(EndReason.END_TURN);
            assertThat(Files.readString(work.resolve("note.txt"))).isEqualTo("hello\n");
            List<OutputChunk.ToolEnd> ends = chunks.stream().filter(OutputChunk.ToolEnd.class::isInstance)
                    .map(OutputChunk.ToolEnd.class::cast).toList();
            assertThat(ends).hasSize(3);
            assertThat(ends).anyMatch(e -> e.name().equals("Read") && e.content().toString().contains("hello"));
            String text = chunks.stream().filter(OutputChunk.TextDelta.class::isInstance)
                    .map(c -> ((OutputChunk.TextDelta) c).text()).reduce("", String::concat);
            assertThat(text).endsWith("The note says hello.");

            List<RecordedRequest> requests = server.requests();
            assertThat(requests).hasSize(3);
            for (RecordedRequest request : requests) {
                assertThat(request.isStreaming()).isEqualTo(streaming);
                assertThat(WireRequestCheck.problems(request)).as(request.body().toString()).isEmpty();
            }
            JsonNode last = requests.getLast().body();
            assertThat(last.toString()).contains("hello").contains("note.txt");
            handle.shutdown();
            handle.awaitTermination(WAIT);
        }
        try (var session = store.open("loop")) {
            assertThat(session.messages()).extracting(Message::role).containsExactly(
                    Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
            List<String> callIds = new ArrayList<>();
            session.messages().forEach(m -> m.toolUses().forEach(t -> callIds.add(t.id())));
            assertThat(callIds).hasSize(3).doesNotHaveDuplicates();
            session.messages().forEach(m -> m.toolResults().forEach(r -> assertThat(callIds).contains(r.toolUseId())));
        }
    }

    static List<OutputChunk> untilDone(Subscription sub) throws InterruptedException {
        List<OutputChunk> chunks = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<OutputChunk> next = sub.poll(Duration.ofNanos(deadline - System.nanoTime()));
            if (next.isEmpty()) {
                break;
            }
            chunks.add(next.get());
            if (next.get() instanceof OutputChunk.Done) {
                return chunks;
            }
        }
        throw new AssertionError("no done chunk within " + WAIT + ": " + chunks);
    }
}
