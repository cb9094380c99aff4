package dev.picrust.runtime;

import dev.picrust.event.StatusCode;

import dev.picrust.event.EndReason;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.AgentState;

import static dev.picrust.runtime.ScriptedProvider.call;
import static dev.picrust.runtime.ScriptedProvider.text;
import static dev.picrust.runtime.ScriptedProvider.toolCalls;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.agent.InputDelivery;
import dev.picrust.agent.StandardAgent;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AgentHandleTest extends RuntimeTestBase {

    private static TextBlock t(String text) {
        return new TextBlock(text);
    }

    private static long count(List<Message> history, String text) {
        return history.stream().flatMap(m -> m.content().stream())
                .filter(b -> b instanceof TextBlock tb && tb.text().equals(text)).count();
    }

    /** A step that streams some text and then blocks until {@code release} completes. */
    private static ScriptedProvider.Step streamingUntil(CountDownLatch streaming, CompletableFuture<Void> release,
                                                        dev.picrust.llm.LlmResponse response) {
        return (r, l, c) -> {
            l.onEvent(new StreamEvent.TextDelta(0, "working "));
            streaming.countDown();
            release.get(TestTools.WAIT_SECONDS, SECONDS);
            return response;
        };
    }

    /** A step that streams some text and then blocks until the call is cancelled. */
    private static ScriptedProvider.Step streamingUntilCancelled(CountDownLatch streaming) {
        return (r, l, c) -> {
            l.onEvent(new StreamEvent.TextDelta(0, "partial answer"));
            CountDownLatch cancelled = new CountDownLatch(1);
            try (var reg = c.onCancel(cancelled::countDown)) {
                streaming.countDown();
                assertThat(cancelled.await(TestTools.WAIT_SECONDS, SECONDS)).isTrue();
            }
            throw new CancellationException("stream closed");
        };
    }

    // ---------------------------------------------------------------- input during a turn

    @Test
    void inputSentMidStreamIsDeliveredOnceWithTheNextToolResults() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        ScriptedProvider provider = new ScriptedProvider()
                .then(streamingUntil(streaming, release, toolCalls(call("t1", "Echo", "{\"v\":\"x\"}"))))
                .thenText("done")
                .thenText("sentinel answered");
        AgentHandle h = runtime.spawn(config(provider, TestTools.echo()).build(), "mid-stream");
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(streaming.await(20, SECONDS)).isTrue();
        h.send("A");
        h.send(List.of(t("B")));
        release.complete(null);
        List<OutputChunk> turn = untilDone(sub);
        assertThat(done(turn).reason()).isEqualTo(EndReason.END_TURN);
        assertThat(turn).anyMatch(c -> c instanceof OutputChunk.Status s && s.code() == StatusCode.STEERED);

        // A later input is answered by itself: nothing of A or B was left behind in the inbox.
        h.send("sentinel");
        untilDone(sub);
        List<LlmRequest> requests = provider.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(1).messages().getLast().content()).containsExactly(
                ToolResultBlock.text("t1", "echo:x", false), t("A"), t("B"));
        assertThat(requests.get(2).messages().getLast().content()).containsExactly(t("sentinel"));
        List<Message> history = history("mid-stream");
        assertThat(count(history, "A")).isOne();
        assertThat(count(history, "B")).isOne();
        HistoryCheck.assertValid(history);
    }

    @Test
    void inputSentMidStreamOfTheLastResponseStartsTheNextTurn() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        ScriptedProvider provider = new ScriptedProvider()
                .then(streamingUntil(streaming, release, text("first answer")))
                .thenText("answer to A");
        AgentHandle h = runtime.spawn(config(provider).build(), "mid-stream-final");
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(streaming.await(20, SECONDS)).isTrue();
        h.send("A");
        release.complete(null);
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);

        assertThat(provider.requests()).hasSize(2);
        assertThat(provider.requests().get(1).messages()).containsExactly(
                Message.user("go"), Message.assistant("first answer"), Message.user("A"));
    }

    @Test
    void inputSentMidToolIsDeliveredOnceInOrderWithThatToolsResult() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t1", "Block", "{}")))
                .thenText("done")
                .thenText("sentinel answered");
        AgentHandle h = runtime.spawn(config(provider, TestTools.block(started, release)).build(), "mid-tool");
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(started.await(20, SECONDS)).isTrue();
        assertThat(h.state()).isEqualTo(new AgentState.ExecutingTool("Block", "t1"));
        h.send("C");
        h.send("D");
        release.complete(null);
        untilDone(sub);
        h.send("sentinel");
        untilDone(sub);

        List<LlmRequest> requests = provider.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(1).messages().getLast().content()).containsExactly(
                ToolResultBlock.text("t1", "released", false), t("C"), t("D"));
        assertThat(requests.get(2).messages().getLast().content()).containsExactly(t("sentinel"));
        HistoryCheck.assertValid(history("mid-tool"));
    }

    @Test
    void inputSentWhileAQuestionWaitsIsDeliveredOnceAfterTheAnswer() throws Exception {
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t1", "Ask", "{\"q\":\"Proceed?\"}")))
                .thenText("done")
                .thenText("sentinel answered");
        AgentHandle h = runtime.spawn(config(provider, TestTools.ask()).interactive(true).build(), "mid-question");
        Subscription sub = h.subscribe();
        h.send("go");
        OutputChunk.Question question = (OutputChunk.Question) until(sub, OutputChunk.Question.class::isInstance).getLast();
        assertThat(h.state()).isEqualTo(new AgentState.WaitingForAnswer(question.requestId()));
        h.send("E");  // not an answer: it must neither answer the question nor get lost
        assertThat(h.answer(question.requestId(), Map.of("Proceed?", "yes"))).isTrue();
        untilDone(sub);
        h.send("sentinel");
        untilDone(sub);

        List<LlmRequest> requests = provider.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(1).messages().getLast().content()).containsExactly(
                ToolResultBlock.text("t1", "answers:{Proceed?=yes}", false), t("E"));
        assertThat(requests.get(2).messages().getLast().content()).containsExactly(t("sentinel"));
    }

    @Test
    void followUpDeliveryProcessesMidTurnInputAsLaterTurnsInOrder() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t1", "Block", "{}")))
                .thenText("done")
                .thenText("answer C")
                .thenText("answer D");
        AgentHandle h = runtime.spawn(config(provider, TestTools.block(started, release))
                .inputDelivery(InputDelivery.FOLLOW_UP).build(), "follow-up");
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(started.await(20, SECONDS)).isTrue();
        h.send("C");
        h.send("D");
        release.complete(null);
        for (int i = 0; i < 3; i++) {
            assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);
        }

        List<LlmRequest> requests = provider.requests();
        assertThat(requests).hasSize(4);
        assertThat(requests.get(1).messages().getLast().content())
                .containsExactly(ToolResultBlock.text("t1", "released", false));
        assertThat(requests.get(2).messages().getLast()).isEqualTo(Message.user("C"));
        assertThat(requests.get(3).messages().getLast()).isEqualTo(Message.user("D"));
        assertThat(requests.get(3).messages()).extracting(Message::role).containsExactly(
                Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.USER);
    }

    @Test
    void inputArrivingInATurnsLastAllowedStepIsAnsweredByTheNextTurn() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t1", "Block", "{}")))
                .thenText("answer to S");
        AgentHandle h = runtime.spawn(config(provider, TestTools.block(started, release)).maxIterations(1).build(),
                "last-step");
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(started.await(20, SECONDS)).isTrue();
        h.send("S");
        release.complete(null);
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.MAX_ITERATIONS);
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);

        List<Message> history = history("last-step");
        assertThat(history.get(2).content()).containsExactly(ToolResultBlock.text("t1", "released", false));
        assertThat(history.get(3)).isEqualTo(Message.user("S"));
        assertThat(history.get(4)).isEqualTo(Message.assistant("answer to S"));
        HistoryCheck.assertValid(history);
    }

    // ---------------------------------------------------------------- interrupt

    @Test
    void interruptMidStreamKeepsThePartialTextMarksItAndLeavesTheAgentIdle() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        ScriptedProvider provider = new ScriptedProvider()
                .then(streamingUntilCancelled(streaming))
                .thenText("fresh answer");
        AgentHandle h = runtime.spawn(config(provider).build(), "int-stream");
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(streaming.await(20, SECONDS)).isTrue();
        assertThat(h.state()).isEqualTo(AgentState.PROCESSING);
        h.interrupt();
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.INTERRUPTED);
        untilIdle(sub);
        assertThat(h.state()).isEqualTo(AgentState.IDLE);

        List<Message> history = history("int-stream");
        assertThat(history).containsExactly(Message.user("go"),
                Message.assistant(List.of(t("partial answer"), t(StandardAgent.INTERRUPTED_MARKER))));
        HistoryCheck.assertValid(history);

        h.send("next");
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);
        assertThat(provider.requests().get(1).messages().getLast()).isEqualTo(Message.user("next"));
        HistoryCheck.assertValid(history("int-stream"));
    }

    @Test
    void interruptMidToolAnswersEveryCallMarksTheTurnAndRunsQueuedInputNext() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("e1", "Echo", "{\"v\":\"a\"}"), call("b1", "Block", "{}"),
                        call("m1", "Mutate", "{}")))
                .thenText("answer to later");
        AgentHandle h = runtime.spawn(config(provider, TestTools.echo(), TestTools.block(started),
                TestTools.mutate()).build(), "int-tool");
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(started.await(20, SECONDS)).isTrue();
        h.send("later");
        h.interrupt();
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.INTERRUPTED);
        // the input queued during the interrupted turn is not lost: it starts the next turn by itself
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);

        List<Message> history = history("int-tool");
        HistoryCheck.assertValid(history);
        Message results = history.get(2);
        assertThat(results.toolResults()).extracting(ToolResultBlock::toolUseId).containsExactly("e1", "b1", "m1");
        assertThat(results.toolResults().get(0).text()).isEqualTo("echo:a");
        assertThat(results.toolResults().get(1).isError()).isTrue();
        assertThat(results.toolResults().get(1).text()).contains("before the tool finished");
        assertThat(results.toolResults().get(2).isError()).isTrue();
        assertThat(results.toolResults().get(2).text()).contains("before the tool started");
        assertThat(results.content().getLast()).isEqualTo(t(StandardAgent.INTERRUPTED_MARKER));
        assertThat(history.get(3)).isEqualTo(Message.user("later"));
        assertThat(count(history, "later")).isOne();
    }

    @Test
    void interruptWhileAQuestionWaitsCancelsTheQuestionAndLeavesTheAgentIdle() throws Exception {
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t1", "Ask", "{\"q\":\"Proceed?\"}")))
                .thenText("fresh answer");
        AgentHandle h = runtime.spawn(config(provider, TestTools.ask()).interactive(true).build(), "int-question");
        Subscription sub = h.subscribe();
        h.send("go");
        OutputChunk.Question question = (OutputChunk.Question) until(sub, OutputChunk.Question.class::isInstance).getLast();
        h.interrupt();
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.INTERRUPTED);
        untilIdle(sub);
        assertThat(h.state()).isEqualTo(AgentState.IDLE);
        assertThat(h.answer(question.requestId(), Map.of("Proceed?", "too late"))).isFalse();

        List<Message> history = history("int-question");
        HistoryCheck.assertValid(history);
        ToolResultBlock result = history.getLast().toolResults().getFirst();
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("before the tool finished");
        assertThat(history.getLast().content().getLast()).isEqualTo(t(StandardAgent.INTERRUPTED_MARKER));

        h.send("next");
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);
        HistoryCheck.assertValid(history("int-question"));
    }

    @Test
    void interruptWhenIdleDoesNothingAndTheAgentStaysAlive() throws Exception {
        ScriptedProvider provider = new ScriptedProvider().thenText("still here");
        AgentHandle h = runtime.spawn(config(provider).build(), "int-idle");
        Subscription sub = h.subscribe();
        h.interrupt();
        h.interrupt();
        h.send("hello");
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);
        assertThat(h.isRunning()).isTrue();
    }

    // ---------------------------------------------------------------- subscribers and states

    @Test
    void aSubscriberThatNeverReadsDoesNotHoldUpTheAgentAndIsToldWhatItMissed() throws Exception {
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> {
                    for (int i = 0; i < 200; i++) {
                        l.onEvent(new StreamEvent.TextDelta(0, "d" + i));
                    }
                    return toolCalls(call("t1", "Echo", "{}"));
                })
                .thenText("done");
        AgentHandle h = runtime.spawn(config(provider, TestTools.echo()).build(), "slow-sub");
        Subscription slow = h.subscribe(2);
        Subscription fast = h.subscribe();
        h.send("go");
        assertThat(done(untilDone(fast)).reason()).isEqualTo(EndReason.END_TURN);
        untilIdle(fast);

        // the agent finished its turn while the slow buffer was full all along
        assertThat(slow.buffered()).isEqualTo(2);
        assertThat(slow.next()).isPresent();
        assertThat(slow.next()).isPresent();
        OutputChunk gap = slow.next().orElseThrow();
        assertThat(gap).isInstanceOf(OutputChunk.Lagged.class);
        assertThat(((OutputChunk.Lagged) gap).missed()).isGreaterThanOrEqualTo(200);
    }

    @Test
    void statesAreAnnouncedThroughATurnAndAtShutdown() throws Exception {
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t1", "Ask", "{\"q\":\"Proceed?\"}")))
                .thenText("done");
        AgentHandle h = runtime.spawn(config(provider, TestTools.ask()).interactive(true).build(), "states");
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = new ArrayList<>(until(sub, OutputChunk.Question.class::isInstance));
        OutputChunk.Question question = (OutputChunk.Question) chunks.getLast();
        h.answer(question.requestId(), Map.of("Proceed?", "yes"));
        chunks.addAll(untilDone(sub));
        chunks.addAll(untilIdle(sub));
        h.shutdown();
        assertThat(h.awaitTermination(WAIT)).isEqualTo(AgentState.DONE);
        chunks.addAll(readToEnd(sub));

        List<AgentState> states = chunks.stream().filter(OutputChunk.StateChange.class::isInstance)
                .map(c -> ((OutputChunk.StateChange) c).state())
                .dropWhile(state -> !state.equals(AgentState.PROCESSING))  // the first Idle may precede subscribing
                .toList();
        assertThat(states).containsExactly(AgentState.PROCESSING, new AgentState.ExecutingTool("Ask", "t1"),
                new AgentState.WaitingForAnswer(question.requestId()), new AgentState.ExecutingTool("Ask", "t1"),
                AgentState.PROCESSING, AgentState.IDLE, AgentState.DONE);
        assertThat(h.state()).isEqualTo(AgentState.DONE);
        assertThat(runtime.find("states")).isEmpty();
    }

    @Test
    void shutdownKeepsQueuedInputInTheSessionAndRefusesMoreInput() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("b1", "Block", "{}")))
                .thenText("answer after resume");
        AgentHandle h = runtime.spawn(config(provider, TestTools.block(started)).build(), "keep");
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(started.await(20, SECONDS)).isTrue();
        h.send("keep me");
        h.shutdown();
        assertThat(h.awaitTermination(WAIT)).isEqualTo(AgentState.DONE);
        assertThat(readToEnd(sub)).anyMatch(c -> c instanceof OutputChunk.Status s && s.code() == StatusCode.INPUT_KEPT);
        assertThatThrownBy(() -> h.send("too late")).isInstanceOf(IllegalStateException.class);

        List<Message> history = history("keep");
        HistoryCheck.assertValid(history);
        assertThat(history.getLast()).isEqualTo(Message.user("keep me"));

        AgentHandle resumed = runtime.resume(config(provider, TestTools.block(new CountDownLatch(1))).build(), "keep");
        Subscription again = resumed.subscribe();
        resumed.continueTurn();
        assertThat(done(untilDone(again)).reason()).isEqualTo(EndReason.END_TURN);
        assertThat(provider.requests().get(1).messages().getLast().content()).endsWith(t("keep me"));
    }

    @Test
    void sendAcceptsBlocks() throws Exception {
        ScriptedProvider provider = new ScriptedProvider().thenText("ok");
        AgentHandle h = runtime.spawn(config(provider).build(), "blocks");
        Subscription sub = h.subscribe();
        List<ContentBlock> blocks = List.of(t("one"), t("two"));
        h.send(blocks);
        untilDone(sub);
        assertThat(provider.requests().getFirst().messages().getFirst().content()).isEqualTo(blocks);
    }

    @Test
    void promptIteratesOverTheTurnThatAnswersItUpToItsDone() throws Exception {
        ScriptedProvider provider = new ScriptedProvider().thenText("first answer").thenText("second answer");
        AgentHandle h = runtime.spawn(config(provider).build(), "prompted");

        List<OutputChunk> first = new ArrayList<>();
        for (OutputChunk c : h.prompt("one")) {
            first.add(c);
        }
        assertThat(first.getLast()).isEqualTo(new OutputChunk.Done(EndReason.END_TURN));
        assertThat(streamedText(first)).isEqualTo("first answer");

        Iterable<OutputChunk> second = h.prompt("two");
        List<OutputChunk> chunks = new ArrayList<>();
        second.forEach(chunks::add);
        assertThat(streamedText(chunks)).isEqualTo("second answer");
        assertThat(chunks.getLast()).isInstanceOf(OutputChunk.Done.class);
        assertThatThrownBy(second::iterator).isInstanceOf(IllegalStateException.class);
        assertThat(history("prompted")).extracting(Message::role)
                .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);

        h.shutdown();
        h.awaitTermination(WAIT);
        assertThatThrownBy(() -> h.prompt("too late")).isInstanceOf(IllegalStateException.class);
    }

    private static String streamedText(List<OutputChunk> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.stream().filter(OutputChunk.TextDelta.class::isInstance)
                .forEach(c -> text.append(((OutputChunk.TextDelta) c).text()));
        return text.toString();
    }
}
