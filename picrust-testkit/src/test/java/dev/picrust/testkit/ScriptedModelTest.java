package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ScriptedModelTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static LlmRequest request(String prompt) {
        return LlmRequest.of("claude-test", List.of(Message.user(prompt)), 1024);
    }

    @Test
    void repliesComeInScriptOrderAndRequestsAreRecorded() {
        ScriptedModel model = new ScriptedModel()
                .replyText("first")
                .replyToolUse("read_file", Json.object().put("path", "a.txt"))
                .replyText("third");

        LlmResponse first = model.send(request("one"), Cancellation.none());
        LlmResponse second = model.send(request("two"), Cancellation.none());
        LlmResponse third = model.stream(request("three"), StreamListener.NONE, Cancellation.none());

        assertThat(first.text()).isEqualTo("first");
        assertThat(first.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(first.model()).isEqualTo("claude-test");
        assertThat(first.usage()).isEqualTo(ScriptedModel.DEFAULT_USAGE);
        assertThat(second.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(second.toolUses()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("read_file");
            assertThat(t.input()).isEqualTo(Json.object().put("path", "a.txt"));
            assertThat(t.id()).startsWith("toolu_").hasSize(30);
        });
        assertThat(third.text()).isEqualTo("third");
        assertThat(model.requests()).extracting(r -> r.messages().getFirst().text()).containsExactly("one", "two", "three");
        assertThat(model.lastRequest()).hasValueSatisfying(r -> assertThat(r.messages().getFirst().text()).isEqualTo("three"));
        assertThat(model.remainingReplies()).isZero();
    }

    @Test
    void severalToolUsesInOneReplyGetDistinctIds() {
        ScriptedModel model = new ScriptedModel().replyToolUses(List.of(
                ScriptedModel.toolUse("read", Json.object().put("path", "a")),
                ScriptedModel.toolUse("read", Json.object().put("path", "b")),
                new ToolUseBlock("toolu_fixed", "bash", Json.object().put("command", "ls"))));

        LlmResponse response = model.send(request("go"), Cancellation.none());

        assertThat(response.toolUses()).extracting(ToolUseBlock::name).containsExactly("read", "read", "bash");
        assertThat(response.toolUses()).extracting(ToolUseBlock::id).doesNotHaveDuplicates().contains("toolu_fixed");
    }

    @Test
    void usageIsConfigurable() {
        Usage usage = new Usage(1, 2, 3, 4);
        ScriptedModel model = new ScriptedModel().usage(usage).replyText("x");

        assertThat(model.send(request("go"), Cancellation.none()).usage()).isEqualTo(usage);
    }

    @Test
    void replyWithComputesTheAnswerFromTheRequest() {
        ScriptedModel model = new ScriptedModel().replyWith(req -> new LlmResponse("msg_x", req.model(),
                List.of(new TextBlock("you said " + req.messages().getLast().text())), StopReason.END_TURN, Usage.ZERO));

        assertThat(model.send(request("hello"), Cancellation.none()).text()).isEqualTo("you said hello");
    }

    @Test
    void failThrowsTheScriptedException() {
        LlmException overloaded = new LlmException(LlmException.Kind.OVERLOADED, "Overloaded", 529, "req_1", true, null);
        ScriptedModel model = new ScriptedModel().fail(overloaded).replyText("after");

        assertThatThrownBy(() -> model.send(request("a"), Cancellation.none())).isSameAs(overloaded);
        assertThat(model.send(request("b"), Cancellation.none()).text()).isEqualTo("after");
    }

    @Test
    void exhaustedScriptFailsWithAClearErrorInsteadOfHanging() {
        ScriptedModel model = new ScriptedModel().replyText("only one");
        model.send(request("a"), Cancellation.none());

        assertThatThrownBy(() -> model.stream(request("b"), StreamListener.NONE, Cancellation.none()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.CONFIGURATION);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("no reply left for call #2");
                });
        assertThat(model.callCount()).isEqualTo(2);
    }

    @Test
    void whenExhaustedAnswersEveryLaterCall() {
        ScriptedModel model = new ScriptedModel().replyText("scripted")
                .whenExhausted(req -> new LlmResponse("m", "x", List.of(new TextBlock("fallback")), StopReason.END_TURN, Usage.ZERO))
                .recordRequests(false);

        assertThat(model.send(request("a"), Cancellation.none()).text()).isEqualTo("scripted");
        assertThat(model.send(request("b"), Cancellation.none()).text()).isEqualTo("fallback");
        assertThat(model.send(request("c"), Cancellation.none()).text()).isEqualTo("fallback");
        assertThat(model.requests()).isEmpty();
        assertThat(model.callCount()).isEqualTo(3);
    }

    @Test
    void streamEmitsDeltasThatReassembleToTheReply() {
        String text = "A streamed answer with emoji 🙂🙂 and more words.";
        ScriptedModel model = new ScriptedModel().replyContent(StopReason.TOOL_USE, List.of(
                new ThinkingBlock("Thinking it over carefully.", "sig"),
                new TextBlock(text),
                new ToolUseBlock("toolu_9", "bash", Json.object().put("command", "ls"))));
        List<StreamEvent> events = new ArrayList<>();

        LlmResponse response = model.stream(request("go"), events::add, Cancellation.none());

        List<StreamEvent.TextDelta> textDeltas = events.stream().filter(StreamEvent.TextDelta.class::isInstance)
                .map(StreamEvent.TextDelta.class::cast).toList();
        assertThat(textDeltas).hasSizeGreaterThan(1).allSatisfy(d -> assertThat(d.index()).isEqualTo(1));
        assertThat(textDeltas.stream().map(StreamEvent.TextDelta::text).collect(Collectors.joining())).isEqualTo(text);
        assertThat(events.stream().filter(StreamEvent.ThinkingDelta.class::isInstance)
                .map(e -> ((StreamEvent.ThinkingDelta) e).text()).collect(Collectors.joining()))
                .isEqualTo("Thinking it over carefully.");
        assertThat(events.getFirst()).isInstanceOf(StreamEvent.ThinkingDelta.class);
        assertThat(events.getLast()).isEqualTo(new StreamEvent.ToolUseStarted(2, "toolu_9", "bash"));
        assertThat(response.content()).hasSize(3);
    }

    @Test
    void heldReplyWaitsAtTheGateUntilOpened() throws Exception {
        Gate gate = new Gate();
        ScriptedModel model = new ScriptedModel().hold(gate).replyText("released").replyText("not held");

        CompletableFuture<LlmResponse> call = CompletableFuture.supplyAsync(
                () -> model.send(request("a"), Cancellation.none()), Executors.newVirtualThreadPerTaskExecutor());
        assertThat(gate.awaitReached(WAIT)).isTrue();
        assertThat(model.requests()).hasSize(1);
        assertThat(call).isNotDone();
        gate.open();

        assertThat(call.get(10, TimeUnit.SECONDS).text()).isEqualTo("released");
        assertThat(model.send(request("b"), Cancellation.none()).text()).isEqualTo("not held");
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void cancellingWhileHeldAtTheGateThrowsCancellationException() throws Exception {
        Gate gate = new Gate();
        ScriptedModel model = new ScriptedModel().hold(gate).replyText("never");
        Cancellation cancellation = new Cancellation();

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<LlmResponse> call = executor.submit(() -> model.stream(request("a"), StreamListener.NONE, cancellation));
            assertThat(gate.awaitReached(WAIT)).isTrue();
            cancellation.cancel();

            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(CancellationException.class);
        }
        assertThat(gate.isOpen()).isFalse();
    }

    @Test
    void cancellingMidStreamStopsTheDeltas() throws Exception {
        Gate gate = new Gate();
        ScriptedModel model = new ScriptedModel().holdMidStream(gate).replyText("one two three four five six");
        Cancellation cancellation = new Cancellation();
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<LlmResponse> call = executor.submit(() -> model.stream(request("a"), events::add, cancellation));
            assertThat(gate.awaitReached(WAIT)).isTrue();
            assertThat(events).singleElement().isInstanceOf(StreamEvent.TextDelta.class);
            cancellation.cancel();
            gate.open();

            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class);
        }
        assertThat(events).hasSize(1);
    }

    @Test
    void midStreamGateLetsTheRestOfTheStreamThroughWhenOpened() throws Exception {
        Gate gate = new Gate();
        ScriptedModel model = new ScriptedModel().holdMidStream(gate).replyText("one two three four");
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());

        CompletableFuture<LlmResponse> call = CompletableFuture.supplyAsync(
                () -> model.stream(request("a"), events::add, Cancellation.none()), Executors.newVirtualThreadPerTaskExecutor());
        assertThat(gate.awaitReached(WAIT)).isTrue();
        assertThat(events).hasSize(1);
        gate.open();

        assertThat(call.get(10, TimeUnit.SECONDS).text()).isEqualTo("one two three four");
        assertThat(events).hasSizeGreaterThan(1);
    }

    @Test
    void alreadyCancelledCallFailsWithoutConsumingAReply() {
        ScriptedModel model = new ScriptedModel().replyText("kept");
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();

        assertThatThrownBy(() -> model.send(request("a"), cancelled)).isInstanceOf(CancellationException.class);
        assertThat(model.remainingReplies()).isEqualTo(1);
    }

    @Test
    void concurrentCallsEachGetOneReplyAndAreAllRecorded() throws Exception {
        int calls = 500;
        ScriptedModel model = new ScriptedModel();
        for (int i = 0; i < calls; i++) {
            model.replyText("reply " + i);
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<LlmResponse>> futures = new ArrayList<>();

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) {
                String prompt = "call " + i;
                futures.add(executor.submit(() -> {
                    start.await();
                    return model.stream(request(prompt), StreamListener.NONE, Cancellation.none());
                }));
            }
            start.countDown();
            List<String> answers = new ArrayList<>();
            for (Future<LlmResponse> future : futures) {
                answers.add(future.get(10, TimeUnit.SECONDS).text());
            }
            assertThat(answers).doesNotHaveDuplicates().hasSize(calls);
        }
        assertThat(model.requests()).hasSize(calls);
        assertThat(model.remainingReplies()).isZero();
    }
}
