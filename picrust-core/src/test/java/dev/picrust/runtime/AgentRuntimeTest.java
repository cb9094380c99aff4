package dev.picrust.runtime;

import dev.picrust.event.EndReason;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.AgentState;

import static dev.picrust.runtime.ScriptedProvider.call;
import static dev.picrust.runtime.ScriptedProvider.toolCalls;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.agent.AgentLoop;
import dev.picrust.event.InputMessage;
import dev.picrust.hook.HookDecision;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookRegistry;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.session.SessionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AgentRuntimeTest extends RuntimeTestBase {

    @Test
    void registryListsFindsAndReportsStatesOfRunningAgents() throws Exception {
        ScriptedProvider provider = new ScriptedProvider();
        AgentHandle a = runtime.spawn(config(provider).build(), "a");
        AgentHandle b = runtime.spawn(config(provider).build(), "b");

        assertThat(runtime.list()).containsExactlyInAnyOrder(a, b);
        assertThat(runtime.count()).isEqualTo(2);
        assertThat(runtime.find("a")).contains(a);
        assertThat(runtime.find("nope")).isEmpty();
        assertThat(runtime.states()).containsOnlyKeys("a", "b");

        a.shutdown();
        assertThat(a.awaitTermination(WAIT)).isEqualTo(AgentState.DONE);
        assertThat(runtime.find("a")).isEmpty();
        assertThat(runtime.list()).containsExactly(b);
        assertThat(runtime.states()).isEqualTo(Map.of("b", b.state()));
    }

    @Test
    void aSecondAgentOnARunningSessionIsRejectedAndTheFirstIsUndisturbed() throws Exception {
        ScriptedProvider provider = new ScriptedProvider().thenText("first still works");
        AgentHandle first = runtime.spawn(config(provider).build(), "dup");

        assertThatThrownBy(() -> runtime.spawn(config(provider).build(), "dup"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        assertThatThrownBy(() -> runtime.resume(config(provider).build(), "dup"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        assertThat(runtime.find("dup")).contains(first);

        Subscription sub = first.subscribe();
        first.send("hi");
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);

        first.shutdown();
        first.awaitTermination(WAIT);
        // once released: a new session with that id still collides on disk, but resuming it works
        assertThatThrownBy(() -> runtime.spawn(config(provider).build(), "dup")).isInstanceOf(SessionException.class);
        AgentHandle again = runtime.resume(config(provider).build(), "dup");
        assertThat(runtime.find("dup")).contains(again);
    }

    @Test
    void anAgentWhoseLoopFailsIsContainedAndReleased() throws Exception {
        ScriptedProvider failing = new ScriptedProvider()
                .then((r, l, c) -> { throw new StackOverflowError("simulated"); });
        ScriptedProvider healthy = new ScriptedProvider().thenText("still fine").thenText("resumed fine");
        AgentHandle other = runtime.spawn(config(healthy).build(), "other");
        AgentHandle doomed = runtime.spawn(config(failing).build(), "doomed");
        Subscription sub = doomed.subscribe();
        doomed.send("go");

        List<OutputChunk> chunks = readToEnd(sub);
        OutputChunk.Error error = first(chunks, OutputChunk.Error.class);
        assertThat(error.message()).contains("StackOverflowError").contains("simulated");
        OutputChunk last = chunks.getLast();
        assertThat(last).isInstanceOf(OutputChunk.StateChange.class);
        assertThat(((OutputChunk.StateChange) last).state()).isInstanceOf(AgentState.Error.class);
        assertThat(chunks.indexOf(error)).isLessThan(chunks.size() - 1);

        assertThat(doomed.awaitTermination(WAIT)).isInstanceOf(AgentState.Error.class);
        assertThat(doomed.state()).isInstanceOf(AgentState.Error.class);
        assertThat(runtime.find("doomed")).isEmpty();
        assertThatThrownBy(() -> doomed.send("more")).isInstanceOf(IllegalStateException.class);

        // the failure is on disk too
        try (var session = store.open("doomed")) {
            assertThat(session.records()).anyMatch(r -> r.path("record").asText().equals("agent_failed"));
        }

        // everything else carries on
        Subscription otherSub = other.subscribe();
        other.send("hello");
        assertThat(done(untilDone(otherSub)).reason()).isEqualTo(EndReason.END_TURN);
        AgentHandle revived = runtime.resume(config(healthy).build(), "doomed");
        Subscription revivedSub = revived.subscribe();
        revived.continueTurn();
        assertThat(done(untilDone(revivedSub)).reason()).isEqualTo(EndReason.END_TURN);
        assertThat(healthy.requests().get(1).messages().getFirst()).isEqualTo(Message.user("go"));
    }

    @Test
    void aToolThatBreaksTheExecutorFailsOnlyTheTurnAndLeavesAValidHistory() throws Exception {
        // concurrencySafe() is asked while the batch is planned, outside any per-call protection
        dev.picrust.tool.Tool broken = new dev.picrust.tool.Tool() {
            public String name() { return "Broken"; }
            public String description() { return "breaks the executor"; }
            public com.fasterxml.jackson.databind.JsonNode inputSchema() { return dev.picrust.json.Json.object().put("type", "object"); }
            public boolean concurrencySafe() { throw new IllegalStateException("executor exploded"); }
            public dev.picrust.tool.ToolResult execute(com.fasterxml.jackson.databind.JsonNode in, dev.picrust.tool.ToolContext c) {
                return dev.picrust.tool.ToolResult.text("never");
            }
        };
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t1", "Broken", "{}")))
                .thenText("recovered");
        AgentHandle h = runtime.spawn(config(provider, broken).build(), "gate");
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> turn = untilDone(sub);
        assertThat(done(turn).reason()).isEqualTo(EndReason.ERROR);
        assertThat(turn).anyMatch(c -> c instanceof OutputChunk.Error e && e.message().contains("executor exploded"));
        HistoryCheck.assertValid(history("gate"));
        assertThat(h.isRunning()).isTrue();
        h.send("again");
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);
    }

    @Test
    void shutdownAllStopsAgentsWithinTheDeadlineAndNamesThoseThatWouldNotStop() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("s1", "Stubborn", "{}")));
        AgentHandle stubborn = runtime.spawn(config(provider, TestTools.stubborn(started, release)).build(), "stubborn");
        AgentHandle idle = runtime.spawn(config(new ScriptedProvider()).build(), "idle");
        CountDownLatch busyStarted = new CountDownLatch(1);
        ScriptedProvider busyProvider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("b1", "Block", "{}")));
        AgentHandle busy = runtime.spawn(config(busyProvider, TestTools.block(busyStarted)).build(), "busy");
        stubborn.send("go");
        busy.send("go");
        assertThat(started.await(20, SECONDS)).isTrue();
        assertThat(busyStarted.await(20, SECONDS)).isTrue();

        List<String> stuck = runtime.shutdownAll(Duration.ofMillis(300));

        assertThat(stuck).containsExactly("stubborn");
        assertThat(idle.awaitTermination(Duration.ZERO)).isEqualTo(AgentState.DONE);
        assertThat(busy.awaitTermination(Duration.ZERO)).isEqualTo(AgentState.DONE);
        assertThatThrownBy(() -> runtime.spawn(config(provider).build(), "late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shut down");

        release.countDown();  // the stubborn tool returns; its agent then stops at once
        assertThat(stubborn.awaitTermination(WAIT)).isEqualTo(AgentState.DONE);
        assertThat(runtime.count()).isZero();
    }

    @Test
    void spawnedAgentsRunConcurrentlyOnVirtualThreads() throws Exception {
        int n = 50;
        CountDownLatch allInside = new CountDownLatch(n);
        CompletableFuture<Void> release = new CompletableFuture<>();
        List<AgentHandle> handles = new java.util.ArrayList<>();
        List<Subscription> subs = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            ScriptedProvider p = new ScriptedProvider().then((r, l, c) -> {
                allInside.countDown();
                release.get(20, SECONDS);
                return ScriptedProvider.text("ok");
            });
            AgentHandle h = runtime.spawn(config(p).build(), "many-" + i);
            subs.add(h.subscribe());
            handles.add(h);
            h.send("go");
        }
        assertThat(allInside.await(20, SECONDS)).as("all agents inside a model call at once").isTrue();
        release.complete(null);
        for (Subscription s : subs) {
            assertThat(done(untilDone(s)).reason()).isEqualTo(EndReason.END_TURN);
        }
        assertThat(runtime.count()).isEqualTo(n);
    }

    @Test
    void anyLoopRunsWithTheSameHandleOutputSessionAndHooks() throws Exception {
        // A loop without a model: each prompt is stored and answered with its own text.
        AgentLoop echo = agent -> {
            for (Optional<InputMessage> in = agent.inbox().next(); in.isPresent(); in = agent.inbox().next()) {
                if (in.get() instanceof InputMessage.UserInput user) {
                    agent.turn().begin();
                    Message prompt = Message.user(user.content());
                    agent.transcript().prompt(prompt);
                    agent.transcript().reply(Message.assistant("echo: " + prompt.text()));
                    agent.output().publish(new OutputChunk.TextDelta("echo: " + prompt.text()));
                    agent.transcript().awaitDurable();
                    agent.output().publish(new OutputChunk.Done(EndReason.END_TURN));
                    agent.turn().end();
                }
            }
        };
        List<HookInput> ended = new CopyOnWriteArrayList<>();
        HookRegistry hooks = new HookRegistry();
        hooks.register(HookEvent.SESSION_END, input -> {
            ended.add(input);
            return HookDecision.noOpinion();
        });
        ScriptedProvider unused = new ScriptedProvider();
        AgentHandle h = runtime.spawn(config(unused).hooks(hooks).build(), echo);
        List<OutputChunk> chunks = new ArrayList<>();
        h.prompt("hello").forEach(chunks::add);

        assertThat(chunks).containsExactly(new OutputChunk.TextDelta("echo: hello"), new OutputChunk.Done(EndReason.END_TURN));
        assertThat(runtime.find(h.sessionId())).contains(h);
        h.shutdown();
        assertThat(h.awaitTermination(WAIT)).isEqualTo(AgentState.DONE);
        assertThat(ended).singleElement().satisfies(i -> assertThat(((HookInput.SessionEnd) i).reason()).isEqualTo(HookInput.SessionEndReason.SHUTDOWN));
        assertThat(history(h.sessionId())).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT);
        assertThat(history(h.sessionId()).getLast().text()).isEqualTo("echo: hello");
        assertThat(unused.requests()).isEmpty();
    }

    @Test
    void aLoopThatThrowsIsContainedAndTheRuntimeStillClosesTheAgent() throws Exception {
        List<HookInput> ended = new CopyOnWriteArrayList<>();
        HookRegistry hooks = new HookRegistry();
        hooks.register(HookEvent.SESSION_END, input -> {
            ended.add(input);
            return HookDecision.noOpinion();
        });
        AgentHandle h = runtime.spawn(config(new ScriptedProvider()).hooks(hooks).build(), agent -> {
            throw new IllegalStateException("broken loop");
        });

        assertThat(h.awaitTermination(WAIT)).isInstanceOfSatisfying(AgentState.Error.class,
                e -> assertThat(e.message()).contains("broken loop"));
        assertThat(ended).singleElement().satisfies(i -> assertThat(((HookInput.SessionEnd) i).reason()).isEqualTo(HookInput.SessionEndReason.STOPPED));
        assertThat(runtime.find(h.sessionId())).isEmpty();
    }
}
