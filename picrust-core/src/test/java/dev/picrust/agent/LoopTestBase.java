package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.agent.context.CachePolicy;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.AgentState;
import dev.picrust.event.EndReason;
import dev.picrust.event.StatusCode;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.JsonlSessionStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real agents on a real session store in a temporary folder, driven by an in-process provider, for
 * tests of how the loop wires hooks, permissions and context in. Everything is read back from the
 * output stream and from the session file on disk.
 */
abstract class LoopTestBase {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir Path dir;
    Path work;
    JsonlSessionStore store;
    AgentRuntime runtime;

    @BeforeEach
    void startRuntime() throws IOException {
        work = Files.createDirectories(dir.resolve("work"));
        store = new JsonlSessionStore(dir.resolve("sessions"));
        runtime = new AgentRuntime(store);
    }

    @AfterEach
    void stopRuntime() throws InterruptedException {
        runtime.close();
    }

    /** Default permission mode, no rules, caching off (requests compare as stored), headless. */
    AgentConfig.Builder config(QueueProvider provider, Tool... tools) {
        return AgentConfig.builder(provider)
                .tools(new ToolRegistry().registerAll(List.of(tools)))
                .cachePolicy(CachePolicy.off())
                .workingDirectory(work);
    }

    // ---------------------------------------------------------------- responses

    static LlmResponse text(String text) {
        return new LlmResponse("msg", "m", List.of(new TextBlock(text)), StopReason.END_TURN, new Usage(10, 5, 0, 0));
    }

    static LlmResponse toolCalls(ToolUseBlock... calls) {
        return new LlmResponse("msg", "m", List.of(calls), StopReason.TOOL_USE, new Usage(10, 5, 0, 0));
    }

    static ToolUseBlock call(String id, String name, String inputJson) {
        try {
            return new ToolUseBlock(id, name, Json.parse(inputJson));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ---------------------------------------------------------------- output

    /** Reads until a chunk matches; returns everything read, the match last. */
    static List<OutputChunk> until(Subscription sub, Predicate<OutputChunk> stop) throws InterruptedException {
        return dev.picrust.runtime.ChunkReader.until(sub, stop, WAIT);
    }

    static List<OutputChunk> untilDone(Subscription sub) throws InterruptedException {
        return until(sub, OutputChunk.Done.class::isInstance);
    }

    static List<OutputChunk> untilIdle(Subscription sub) throws InterruptedException {
        return until(sub, c -> c instanceof OutputChunk.StateChange s && s.state() instanceof AgentState.Idle);
    }

    static EndReason doneReason(List<OutputChunk> chunks) {
        return ((OutputChunk.Done) chunks.getLast()).reason();
    }

    static <T extends OutputChunk> List<T> all(List<OutputChunk> chunks, Class<T> type) {
        return chunks.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends OutputChunk> T first(List<OutputChunk> chunks, Class<T> type) {
        return all(chunks, type).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + chunks));
    }

    static List<OutputChunk.Status> statuses(List<OutputChunk> chunks, StatusCode code) {
        return all(chunks, OutputChunk.Status.class).stream().filter(s -> s.code() == code).toList();
    }

    // ---------------------------------------------------------------- the session on disk

    Path historyFile(String sessionId) {
        return store.directory(sessionId).resolve("history.jsonl");
    }

    /** The session file exactly as written. */
    String rawHistory(String sessionId) throws IOException {
        return Files.readString(historyFile(sessionId));
    }

    /** The session's messages, read from disk. */
    List<Message> history(String sessionId) {
        return store.read(sessionId).messages();   // lock-free: the agent may still hold the session
    }

    /** Non-message records of one kind ({@code "record": kind}), parsed from the session file. */
    List<JsonNode> records(String sessionId, String kind) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (String line : Files.readAllLines(historyFile(sessionId))) {
            JsonNode n = Json.parse(line);
            if (n.path("record").asText().equals(kind)) {
                found.add(n);
            }
        }
        return found;
    }

    /** The tool result for {@code toolUseId}, from the history on disk. */
    ToolResultBlock result(String sessionId, String toolUseId) {
        return history(sessionId).stream().flatMap(m -> m.toolResults().stream())
                .filter(r -> r.toolUseId().equals(toolUseId)).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + toolUseId));
    }

    /** Every tool_use has exactly one result in the next message, and roles alternate once merged. */
    static void assertSendable(List<Message> history) {
        List<Message> sent = RequestFactory.mergeNeighbours(history);
        assertThat(sent.getFirst().role()).isEqualTo(Role.USER);
        for (int i = 0; i < sent.size(); i++) {
            List<String> uses = sent.get(i).toolUses().stream().map(ToolUseBlock::id).toList();
            if (!uses.isEmpty()) {
                assertThat(i + 1).as("tool_use at " + i + " is answered").isLessThan(sent.size());
                assertThat(sent.get(i + 1).toolResults()).extracting(ToolResultBlock::toolUseId)
                        .containsExactlyElementsOf(uses);
            }
        }
    }

    // ---------------------------------------------------------------- tools

    /** What a {@link RecordingTool} does with an input. */
    @FunctionalInterface
    interface Behaviour {
        ToolResult run(JsonNode input, ToolContext context) throws Exception;
    }

    /** A test tool that remembers every input it was run with. */
    static final class RecordingTool implements Tool {
        final List<JsonNode> inputs = new CopyOnWriteArrayList<>();
        private final String name;
        private final boolean readOnly;
        private final Behaviour behaviour;

        RecordingTool(String name, boolean readOnly, Behaviour behaviour) {
            this.name = name;
            this.readOnly = readOnly;
            this.behaviour = behaviour;
        }

        /** Returns {@code <name>:<input>}. */
        static RecordingTool echoing(String name, boolean readOnly) {
            return new RecordingTool(name, readOnly, (input, ctx) -> ToolResult.text(name + ":" + input));
        }

        @Override public String name() { return name; }
        @Override public String description() { return name + " (test tool)"; }
        @Override public JsonNode inputSchema() { return Json.object().put("type", "object"); }
        @Override public boolean readOnly() { return readOnly; }

        @Override
        public ToolResult execute(JsonNode input, ToolContext context) throws Exception {
            inputs.add(input.deepCopy());
            return behaviour.run(input, context);
        }
    }
}
