package dev.picrust.agent;

import static dev.picrust.agent.StandardAgentTest.call;
import static dev.picrust.agent.StandardAgentTest.text;
import static dev.picrust.agent.StandardAgentTest.toolCalls;
import static dev.picrust.agent.StandardAgentTest.untilDone;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.permission.PermissionMode;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call with effects is never run again blindly after a crash: its start and its result are on
 * disk as they happen, and resume tells the model what is known (issue 11).
 */
class EffectsAcrossACrashTest {
    @TempDir Path dir;
    AgentRuntime runtime;
    final AtomicInteger runs = new AtomicInteger();

    @AfterEach
    void stop() throws InterruptedException {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** A tool with effects that counts its runs and may block until {@code release} opens. */
    Tool mutate(CountDownLatch running, CountDownLatch release) {
        return new Tool() {
            public String name() { return "Mutate"; }
            public String description() { return "changes something"; }
            public JsonNode inputSchema() { return Json.object().put("type", "object"); }
            public ToolResult execute(JsonNode input, ToolContext ctx) throws Exception {
                runs.incrementAndGet();
                if (input.path("block").asBoolean()) {
                    running.countDown();
                    release.await(20, TimeUnit.SECONDS);
                }
                return ToolResult.text("changed " + input.path("v").asText());
            }
        };
    }

    AgentConfig config(QueueProvider provider) {
        return AgentConfig.builder(provider)
                .tools(new ToolRegistry().register(mutate(new CountDownLatch(0), new CountDownLatch(0))))
                .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS))
                .cachePolicy(dev.picrust.agent.context.CachePolicy.off()).workingDirectory(dir).build();
    }

    /** A session as a crash left it: the model's message with its calls, then {@code records}. */
    SessionStore crashed(Message reply, ObjectNode... records) {
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (AgentSession s = store.create(SessionMetadata.create("crashed", "agent", "m", "queue"))) {
            s.append(Message.user("change things"));
            s.append(reply);
            for (ObjectNode record : records) {
                String kind = record.remove("record").asText();
                s.appendRecord(kind, record);
            }
        }
        return store;
    }

    static ObjectNode started(String id) {
        return Json.object().put("record", Transcript.TOOL_STARTED).put("tool_use_id", id).put("name", "Mutate");
    }

    static ObjectNode finished(String id, String text) {
        ObjectNode record = Json.object().put("record", Transcript.TOOL_FINISHED);
        record.set("result", MessageCodec.toJson(ToolResultBlock.text(id, text, false)));
        return record;
    }

    /** Resumes {@code store}'s crashed session, continues the turn, and returns the results the model got. */
    List<ToolResultBlock> resume(SessionStore store, QueueProvider provider) throws Exception {
        runtime = new AgentRuntime(store);
        AgentHandle h = runtime.resume(config(provider), "crashed");
        Subscription sub = h.subscribe();
        h.continueTurn();
        assertThat(untilDone(sub)).contains(new OutputChunk.Done(EndReason.END_TURN));
        List<Message> sent = provider.requests.getFirst().messages();
        return sent.get(2).toolResults();
    }

    @Test
    void aCallThatStartedWithoutAResultIsReportedAndNotRunAgain() throws Exception {
        SessionStore store = crashed(Message.assistant(List.of(call("m1", "Mutate", "{\"v\":\"1\"}"))), started("m1"));
        QueueProvider provider = new QueueProvider().then(r -> text("I will check first"));

        List<ToolResultBlock> results = resume(store, provider);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.isError()).isTrue();
            assertThat(r.text()).isEqualTo(HistoryRepair.STARTED_BEFORE_CRASH)
                    .contains("started before a crash").contains("may or may not have taken effect");
        });
        assertThat(runs).hasValue(0);
    }

    @Test
    void aRecordedResultIsReusedAndACallThatNeverStartedSaysSo() throws Exception {
        SessionStore store = crashed(Message.assistant(List.of(call("m1", "Mutate", "{\"v\":\"1\"}"),
                call("m2", "Mutate", "{\"v\":\"2\"}"))), started("m1"), finished("m1", "changed 1"));
        QueueProvider provider = new QueueProvider().then(r -> text("ok"));

        List<ToolResultBlock> results = resume(store, provider);

        assertThat(results).extracting(ToolResultBlock::toolUseId).containsExactly("m1", "m2");
        assertThat(results.get(0).text()).isEqualTo("changed 1");
        assertThat(results.get(0).isError()).isFalse();
        assertThat(results.get(1).text()).isEqualTo(HistoryRepair.NOT_STARTED_BEFORE_CRASH);
        assertThat(runs).hasValue(0);
    }

    @Test
    void eachResultIsOnDiskAsSoonAsItsCallFinishesNotWhenItsBatchEnds() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("m1", "Mutate", "{\"v\":\"1\"}"),
                        call("m2", "Mutate", "{\"v\":\"2\",\"block\":true}")))
                .then(r -> text("done"));
        SessionStore live = SessionStore.at(dir.resolve("sessions"));
        runtime = new AgentRuntime(live);
        AgentConfig config = AgentConfig.builder(provider)
                .tools(new ToolRegistry().register(mutate(running, release)))
                .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS))
                .cachePolicy(dev.picrust.agent.context.CachePolicy.off()).workingDirectory(dir).build();
        AgentHandle h = runtime.spawn(config, "crashed");
        Subscription sub = h.subscribe();
        h.send("change things");
        assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();

        // The second call runs: what is in the file now is what a crash at this moment leaves.
        Path copy = Files.createDirectories(dir.resolve("copy/crashed"));
        for (String file : List.of("metadata.json", "history.jsonl")) {
            Files.copy(dir.resolve("sessions/crashed").resolve(file), copy.resolve(file));
        }
        release.countDown();
        untilDone(sub);
        runtime.close();
        assertThat(runs).hasValue(2);

        QueueProvider after = new QueueProvider().then(r -> text("checked"));
        List<ToolResultBlock> results = resume(SessionStore.at(dir.resolve("copy")), after);

        assertThat(results).extracting(ToolResultBlock::toolUseId).containsExactly("m1", "m2");
        assertThat(results.get(0).text()).as("the first call's result, on disk before the batch ended")
                .isEqualTo("changed 1");
        assertThat(results.get(1).text()).isEqualTo(HistoryRepair.STARTED_BEFORE_CRASH);
        assertThat(runs).as("nothing ran again").hasValue(2);
    }

    @Test
    void readOnlyCallsRecordNoStartAndNoResult() throws Exception {
        // Unchanged for read-only work: a step of read-only calls costs no force of its own.
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("e1", "Echo", "{\"v\":\"a\"}")))
                .then(r -> text("done"));
        runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")));
        AgentHandle h = runtime.spawn(AgentConfig.builder(provider)
                .tools(new ToolRegistry().register(StandardAgentTest.echo(true)))
                .cachePolicy(dev.picrust.agent.context.CachePolicy.off()).workingDirectory(dir).build(), "reads");
        Subscription sub = h.subscribe();
        h.send("read");
        untilDone(sub);
        List<ObjectNode> records = SessionStore.at(dir.resolve("sessions")).read("reads").records();
        assertThat(records).extracting(r -> r.path("record").asText())
                .doesNotContain(Transcript.TOOL_STARTED, Transcript.TOOL_FINISHED);
    }
}
