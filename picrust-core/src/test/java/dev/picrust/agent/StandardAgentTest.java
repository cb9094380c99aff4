package dev.picrust.agent;

import dev.picrust.event.EndReason;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.ToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandardAgentTest {
    @TempDir Path dir;
    AgentRuntime runtime;

    @AfterEach
    void stop() throws InterruptedException {
        if (runtime != null) {
            runtime.close();
        }
    }

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

    static Tool echo(boolean readOnly) {
        return new Tool() {
            public String name() { return readOnly ? "Echo" : "Mutate"; }
            public String description() { return "echoes"; }
            public JsonNode inputSchema() { return Json.object().put("type", "object"); }
            public boolean readOnly() { return readOnly; }
            public ToolResult execute(JsonNode input, ToolContext ctx) {
                return ToolResult.text("echo:" + input.path("v").asText());
            }
        };
    }

    AgentHandle spawn(QueueProvider provider, ToolRegistry tools, Permissions gate) {
        runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")));
        AgentConfig config = AgentConfig.builder(provider).tools(tools).permissions(gate).cachePolicy(dev.picrust.agent.context.CachePolicy.off())
                .workingDirectory(dir).build();
        return runtime.spawn(config, "test-session");
    }

    static List<OutputChunk> untilDone(Subscription sub) throws InterruptedException {
        List<OutputChunk> seen = new ArrayList<>();
        while (true) {
            OutputChunk c = sub.poll(Duration.ofSeconds(20)).orElseThrow(() -> new AssertionError("no done chunk"));
            seen.add(c);
            if (c instanceof OutputChunk.Done) {
                return seen;
            }
        }
    }

    @Test
    void runsToolsAndAppendsOneResultMessageInCallOrder() throws Exception {
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Echo", "{\"v\":\"a\"}"), call("t2", "Echo", "{\"v\":\"b\"}"),
                        call("t3", "Nope", "{}")))
                .then(r -> text("all done"));
        AgentHandle h = spawn(provider, new ToolRegistry().register(echo(true)), Permissions.defaults());
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(chunks).contains(new OutputChunk.Done(EndReason.END_TURN));
        assertThat(chunks).filteredOn(OutputChunk.ToolStart.class::isInstance)
                .extracting(c -> ((OutputChunk.ToolStart) c).id()).containsExactlyInAnyOrder("t1", "t2");
        List<Message> history = SessionStore.at(dir.resolve("sessions")).read("test-session").messages();
        assertThat(history).extracting(Message::role)
                .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
        List<ToolResultBlock> results = history.get(2).toolResults();
        assertThat(results).extracting(ToolResultBlock::toolUseId).containsExactly("t1", "t2", "t3");
        assertThat(results.get(0).text()).isEqualTo("echo:a");
        assertThat(results.get(2).isError()).isTrue();
        assertThat(results.get(2).text()).contains("Unknown tool 'Nope'");
        // the second request carried the tool results
        assertThat(provider.requests.get(1).messages().getLast().toolResults()).hasSize(3);
    }

    @Test
    void readOnlyStepsStoredWithTheNextLineAreAllInTheHistoryWhenTheTurnIsDone() throws Exception {
        QueueProvider provider = new QueueProvider();
        for (int i = 0; i < 4; i++) {
            int n = i;
            provider.then(r -> toolCalls(call("t" + n, "Echo", "{\"v\":\"" + n + "\"}")));
        }
        provider.then(r -> text("done reading"));
        AgentHandle h = spawn(provider, new ToolRegistry().register(echo(true)), Permissions.defaults());
        Subscription sub = h.subscribe();
        h.send("read four times");
        assertThat(untilDone(sub)).contains(new OutputChunk.Done(EndReason.END_TURN));

        List<Message> history = SessionStore.at(dir.resolve("sessions")).read("test-session").messages();
        assertThat(history).hasSize(10);
        for (int i = 0; i < 4; i++) {
            assertThat(history.get(1 + 2 * i).toolUses()).extracting(ToolUseBlock::id).containsExactly("t" + i);
            assertThat(history.get(2 + 2 * i).toolResults().getFirst().text()).isEqualTo("echo:" + i);
        }
        assertThat(history.getLast()).isEqualTo(Message.assistant("done reading"));
    }

    @Test
    void headlessGateRefusesToolsThatAreNotAllowed() throws Exception {
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{\"v\":\"x\"}")))
                .then(r -> text("ok"));
        AgentHandle h = spawn(provider, new ToolRegistry().register(echo(false)), Permissions.defaults());
        Subscription sub = h.subscribe();
        h.send("go");
        untilDone(sub);
        ToolResultBlock result = provider.requests.get(1).messages().getLast().toolResults().getFirst();
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("Mutate").contains("Nobody is available to approve it");
    }

    @Test
    void providerFailureEndsTurnWithErrorAndAgentStaysUsable() throws Exception {
        QueueProvider provider = new QueueProvider()
                .then(r -> { throw new LlmException(LlmException.Kind.OVERLOADED, "overloaded"); })
                .then(r -> text("second try works"));
        AgentHandle h = spawn(provider, new ToolRegistry(), Permissions.defaults());
        Subscription sub = h.subscribe();
        h.send("one");
        List<OutputChunk> first = untilDone(sub);
        assertThat(first).contains(new OutputChunk.Done(EndReason.ERROR));
        assertThat(first).anyMatch(c -> c instanceof OutputChunk.Error e && e.message().contains("overloaded"));
        h.send("two");
        assertThat(untilDone(sub)).contains(new OutputChunk.Done(EndReason.END_TURN));
        assertThat(h.isRunning()).isTrue();
    }

    @Test
    void maxIterationsStopsTheTurn() throws Exception {
        QueueProvider provider = new QueueProvider();
        for (int i = 0; i < 5; i++) {
            int n = i;
            provider.then(r -> toolCalls(call("t" + n, "Echo", "{}")));
        }
        runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")));
        AgentHandle h = runtime.spawn(AgentConfig.builder(provider).tools(new ToolRegistry().register(echo(true)))
                .maxIterations(3).build());
        Subscription sub = h.subscribe();
        h.send("loop");
        List<OutputChunk> chunks = untilDone(sub);
        assertThat(chunks).contains(new OutputChunk.Done(EndReason.MAX_ITERATIONS));
        assertThat(provider.requests).hasSize(3);
    }

    @Test
    void interruptDuringToolGivesResultsAndLeavesAgentIdle() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Tool blocking = new Tool() {
            public String name() { return "Block"; }
            public String description() { return "blocks until cancelled"; }
            public JsonNode inputSchema() { return Json.object().put("type", "object"); }
            public ToolResult execute(JsonNode input, ToolContext ctx) throws Exception {
                CountDownLatch cancelled = new CountDownLatch(1);
                try (var r = ctx.cancellation().onCancel(cancelled::countDown)) {
                    started.countDown();
                    assertThat(cancelled.await(20, TimeUnit.SECONDS)).isTrue();
                }
                return ToolResult.error("stopped");
            }
        };
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("b1", "Block", "{}"), call("b2", "Block", "{}")))
                .then(r -> text("after interrupt"));
        AgentHandle h = spawn(provider, new ToolRegistry().register(blocking), Permissions.defaults().allow("Block"));
        Subscription sub = h.subscribe();
        h.send("start");
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        h.interrupt();
        assertThat(untilDone(sub)).contains(new OutputChunk.Done(EndReason.INTERRUPTED));

        List<Message> history = SessionStore.at(dir.resolve("sessions")).read("test-session").messages();
        Message results = history.getLast();
        assertThat(results.toolResults()).extracting(ToolResultBlock::toolUseId).containsExactly("b1", "b2");
        assertThat(results.toolResults().get(1).text()).contains("before the tool started");
        assertThat(results.text()).contains(StandardAgent.INTERRUPTED_MARKER);

        h.send("next");
        assertThat(untilDone(sub)).contains(new OutputChunk.Done(EndReason.END_TURN));
        // the new prompt was merged with the interrupted results into one user message
        List<Message> sent = provider.requests.get(1).messages();
        assertThat(sent.getLast().role()).isEqualTo(Role.USER);
        assertThat(sent.getLast().content()).last().isEqualTo((ContentBlock) new TextBlock("next"));
    }

    @Test
    void resumeRepairsDanglingToolUse() throws Exception {
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (var s = store.create(dev.picrust.session.SessionMetadata.create("crashed", "agent", "m", "queue"))) {
            s.append(Message.user("run it"));
            s.append(Message.assistant(List.of(call("tx", "Echo", "{}"))));
        }
        QueueProvider provider = new QueueProvider().then(r -> text("resumed"));
        runtime = new AgentRuntime(store);
        AgentHandle h = runtime.resume(AgentConfig.builder(provider).build(), "crashed");
        Subscription sub = h.subscribe();
        h.continueTurn();
        assertThat(untilDone(sub)).contains(new OutputChunk.Done(EndReason.END_TURN));
        List<Message> sent = provider.requests.getFirst().messages();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(2).toolResults().getFirst().text()).isEqualTo(HistoryRepair.INTERRUPTED_BY_CRASH);
    }

    @Test
    void emptyTextBlocksAreNotWrittenToHistory() throws Exception {
        QueueProvider provider = new QueueProvider()
                .then(r -> new LlmResponse("m1", "m", List.of(new TextBlock("")), StopReason.REFUSAL, Usage.ZERO))
                .then(r -> text("ok"));
        AgentHandle h = spawn(provider, new ToolRegistry(), Permissions.defaults());
        Subscription sub = h.subscribe();
        h.send("first");
        assertThat(untilDone(sub)).contains(new OutputChunk.Done(EndReason.REFUSAL));
        h.send("second");
        untilDone(sub);
        List<Message> sent = provider.requests.get(1).messages();
        assertThat(sent).singleElement().satisfies(m -> assertThat(m.text()).isEqualTo("first\nsecond"));
    }

    @Test
    void concurrencySafeCallsRunInParallelAndResultsKeepCallOrder() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        Tool rendezvous = new Tool() {
            public String name() { return "Meet"; }
            public String description() { return "returns only once two calls run at the same time"; }
            public JsonNode inputSchema() { return Json.object().put("type", "object"); }
            public boolean readOnly() { return true; }
            public ToolResult execute(JsonNode input, ToolContext ctx) throws Exception {
                bothRunning.countDown();
                boolean overlapped = bothRunning.await(20, TimeUnit.SECONDS);
                return ToolResult.text(input.path("v").asText() + (overlapped ? ":overlapped" : ":alone"));
            }
        };
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("p1", "Meet", "{\"v\":\"first\"}"), call("p2", "Meet", "{\"v\":\"second\"}")))
                .then(r -> text("met"));
        AgentHandle h = spawn(provider, new ToolRegistry().register(rendezvous), Permissions.defaults());
        Subscription sub = h.subscribe();
        h.send("meet");
        untilDone(sub);
        List<ToolResultBlock> results = provider.requests.get(1).messages().getLast().toolResults();
        assertThat(results).extracting(ToolResultBlock::text).containsExactly("first:overlapped", "second:overlapped");
    }
}
