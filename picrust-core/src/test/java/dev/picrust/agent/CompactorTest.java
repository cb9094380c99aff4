package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.StatusCode;
import dev.picrust.hook.HookDecision;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookRegistry;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.Usage;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.Subscription;
import dev.picrust.tool.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Compaction through the real loop and a real session store: a scripted model that works through a
 * list of items one tool call at a time, in a context window far too small for the whole run. It
 * knows where it is only from what the request shows it (the tail, or the summary), as a real
 * model would.
 */
class CompactorTest extends LoopTestBase {
    static final String TASK = "TASK: process items 1 to %d with the work tool, one call per item, then say DONE.";
    static final Pattern DONE_ITEM = Pattern.compile("item (\\d+) processed");
    static final Pattern SUMMARY_UP_TO = Pattern.compile("Items processed up to (\\d+)");

    final List<LlmRequest> workRequests = new CopyOnWriteArrayList<>();
    final List<LlmRequest> summaryRequests = new CopyOnWriteArrayList<>();

    static boolean isSummaryCall(LlmRequest request) {
        return !request.system().isEmpty() && request.system().getFirst().text().equals(Compactor.SUMMARY_SYSTEM);
    }

    /** The highest item the request shows as processed, in tool results or in a summary. */
    static int progress(LlmRequest request) {
        int max = 0;
        for (Message m : request.messages()) {
            String text = m.content().stream().map(b -> switch (b) {
                case TextBlock t -> t.text();
                case dev.picrust.llm.ToolResultBlock r -> r.text();
                default -> "";
            }).reduce("", String::concat);
            for (Matcher d = DONE_ITEM.matcher(text); d.find(); ) {
                max = Math.max(max, Integer.parseInt(d.group(1)));
            }
            for (Matcher s = SUMMARY_UP_TO.matcher(text); s.find(); ) {
                max = Math.max(max, Integer.parseInt(s.group(1)));
            }
        }
        return max;
    }

    /** A model that summarises when asked to, and otherwise processes the next item or says DONE. */
    QueueProvider.Step model(int items) {
        return request -> {
            if (isSummaryCall(request)) {
                summaryRequests.add(request);
                return text("## Task\nItems processed up to " + progress(request) + " of " + items + ".\n## Next step\n"
                        + "process the next item");
            }
            workRequests.add(request);
            int next = progress(request) + 1;
            if (next > items) {
                return text("DONE: all " + items + " items processed");
            }
            return toolCalls(call("w" + next, "work", "{\"item\":" + next + "}"));
        };
    }

    QueueProvider provider(int items, int calls) {
        QueueProvider provider = new QueueProvider();
        for (int i = 0; i < calls; i++) {
            provider.then(model(items));
        }
        return provider;
    }

    /** Each result is ~600 characters, so a few dozen of them overflow a 3,000-token window many times. */
    static RecordingTool workTool() {
        return new RecordingTool("work", true, (input, ctx) -> ToolResult.text("item " + input.path("item").asInt()
                + " processed. " + "log line of the work done; ".repeat(22)));
    }

    AgentConfig.Builder smallWindow(QueueProvider provider, RecordingTool tool) {
        return config(provider, tool).contextWindow(3_000).maxTokens(200);
    }

    @Test
    void aLongRunCompactsSeveralTimesAndStillFinishesItsTask() throws Exception {
        int items = 40;
        RecordingTool work = workTool();
        List<HookInput> compactHooks = new CopyOnWriteArrayList<>();
        HookRegistry hooks = new HookRegistry();
        hooks.register(HookEvent.PRE_COMPACT, in -> {
            compactHooks.add(in);
            return HookDecision.noOpinion();
        });
        hooks.register(HookEvent.POST_COMPACT, in -> {
            compactHooks.add(in);
            return HookDecision.noOpinion();
        });
        AgentHandle agent = runtime.spawn(smallWindow(provider(items, 200), work).hooks(hooks).build());
        Subscription sub = agent.subscribe();
        agent.send(TASK.formatted(items));
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.END_TURN);
        assertThat(all(chunks, OutputChunk.TextDelta.class).getLast().text()).isEqualTo("DONE: all 40 items processed");
        List<OutputChunk.Status> compacted = statuses(chunks, StatusCode.COMPACTED);
        assertThat(compacted).as("compactions").hasSizeGreaterThanOrEqualTo(3);
        assertThat(statuses(chunks, StatusCode.COMPACTION_FAILED)).isEmpty();
        // Every item once, in order: nothing was lost or repeated across the compactions.
        assertThat(work.inputs).extracting(i -> i.path("item").asInt())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, items).boxed().toList());

        for (LlmRequest request : workRequests) {
            assertSendable(request.messages());  // no tool_use cut off from its result
            assertThat(request.messages().getFirst().text()).as("the task is pinned").contains(TASK.formatted(items));
            assertThat(TokenEstimator.messages(request.messages())).as("request fits the window").isLessThan(3_000);
        }
        // The session file keeps every original message, and one record per compaction.
        List<Message> onDisk = history(agent.sessionId());
        assertThat(onDisk).hasSize(1 + 2 * items + 1);
        assertThat(onDisk.getFirst().text()).isEqualTo(TASK.formatted(items));
        assertSendable(onDisk);
        List<JsonNode> records = records(agent.sessionId(), Compactor.RECORD);
        assertThat(records).hasSize(compacted.size());
        for (JsonNode r : records) {
            int from = r.get("from_message").asInt();
            assertThat(onDisk.get(from).toolResults()).as("the tail never starts with results").isEmpty();
            assertThat(r.get("summary").asText()).contains("Items processed up to").contains("## Task");
            assertThat(r.get("trigger").asText()).isEqualTo("auto");
        }
        // The summary calls fit the window too: the oldest part of what they summarise is cut first.
        assertThat(summaryRequests).hasSize(compacted.size()).allSatisfy(r ->
                assertThat(TokenEstimator.messages(r.messages())).isLessThan(3_000));
        assertThat(summaryRequests).anySatisfy(r ->
                assertThat(r.messages().getFirst().text()).contains("characters of the oldest messages omitted"));
        // PreCompact and PostCompact fire once per compaction, in that order.
        assertThat(compactHooks).hasSize(2 * compacted.size());
        assertThat(compactHooks.get(0)).isInstanceOf(HookInput.PreCompact.class);
        assertThat(compactHooks.get(1)).isInstanceOfSatisfying(HookInput.PostCompact.class,
                post -> assertThat(post.summary()).contains("Items processed up to"));

        // Resume: the model's view starts at the last boundary, the summary first.
        agent.shutdown();
        agent.awaitTermination(WAIT);
        workRequests.clear();
        QueueProvider again = new QueueProvider().then(request -> {
            workRequests.add(request);
            return text("still done at " + progress(request));
        });
        AgentHandle resumed = runtime.resume(smallWindow(again, workTool()).build(), agent.sessionId());
        Subscription resumedSub = resumed.subscribe();
        resumed.send("how far did you get?");
        List<OutputChunk> after = untilDone(resumedSub);
        assertThat(doneReason(after)).isEqualTo(EndReason.END_TURN);
        LlmRequest first = workRequests.getFirst();
        assertThat(first.messages().getFirst().text()).contains(TASK.formatted(items)).contains(Compactor.SUMMARY_HEADER);
        assertThat(first.messages().size()).as("continues from the boundary").isLessThan(onDisk.size() / 2);
        assertSendable(first.messages());
        assertThat(all(after, OutputChunk.TextDelta.class).getLast().text()).isEqualTo("still done at 40");
        assertThat(history(agent.sessionId())).hasSize(onDisk.size() + 2);
    }

    @Test
    void aFailedSummaryLeavesTheHistoryUntouchedAndTheAgentGoesOn() throws Exception {
        QueueProvider provider = new QueueProvider();
        int items = 24;
        for (int i = 0; i < 80; i++) {
            provider.then(request -> {
                if (isSummaryCall(request)) {
                    summaryRequests.add(request);
                    throw new LlmException(LlmException.Kind.OVERLOADED, "the summariser is overloaded");
                }
                return model(items).apply(request);
            });
        }
        RecordingTool work = workTool();
        AgentHandle agent = runtime.spawn(smallWindow(provider, work).build());
        Subscription sub = agent.subscribe();
        agent.send(TASK.formatted(items));
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.END_TURN);
        assertThat(summaryRequests).isNotEmpty();
        assertThat(statuses(chunks, StatusCode.COMPACTION_FAILED)).isNotEmpty()
                .allSatisfy(s -> assertThat(s.message()).contains("overloaded").contains("unchanged"));
        assertThat(statuses(chunks, StatusCode.COMPACTED)).isEmpty();
        assertThat(records(agent.sessionId(), Compactor.RECORD)).isEmpty();
        assertThat(work.inputs).hasSize(items);
        // The model saw the whole history every time: nothing was dropped without a summary.
        LlmRequest last = workRequests.getLast();
        assertThat(last.messages()).hasSize(1 + 2 * items);
    }

    @Test
    void contextTooLongFromTheProviderCompactsAndRetriesTheStep() throws Exception {
        QueueProvider provider = new QueueProvider();
        int items = 6;
        // No window configured: the provider's refusal is the only trigger.
        for (int i = 0; i < 30; i++) {
            provider.then(request -> {
                if (!isSummaryCall(request) && request.messages().size() > 8) {
                    throw new LlmException(LlmException.Kind.CONTEXT_TOO_LONG,
                            "Anthropic API error: HTTP 400 invalid_request_error: prompt is too long: 9000 tokens > 8000 maximum");
                }
                return model(items).apply(request);
            });
        }
        RecordingTool work = workTool();
        AgentHandle agent = runtime.spawn(config(provider, work).maxTokens(200).build());
        Subscription sub = agent.subscribe();
        agent.send(TASK.formatted(items));
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.END_TURN);
        assertThat(all(chunks, OutputChunk.Error.class)).isEmpty();
        assertThat(statuses(chunks, StatusCode.COMPACTED)).isNotEmpty();
        assertThat(records(agent.sessionId(), Compactor.RECORD)).allSatisfy(r ->
                assertThat(r.get("trigger").asText()).isEqualTo("overflow"));
        assertThat(work.inputs).hasSize(items);
        workRequests.forEach(r -> assertSendable(r.messages()));
    }

    @Test
    void aContextThatCannotFitEndsTheTurnWithAClearError() throws Exception {
        QueueProvider provider = new QueueProvider();
        for (int i = 0; i < 5; i++) {
            provider.then(request -> {
                throw new LlmException(LlmException.Kind.CONTEXT_TOO_LONG, "prompt is too long: 9000 tokens > 8000 maximum");
            });
        }
        AgentHandle agent = runtime.spawn(config(provider).build());
        Subscription sub = agent.subscribe();
        agent.send("x".repeat(40_000));
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.ERROR);
        assertThat(all(chunks, OutputChunk.Error.class)).extracting(OutputChunk.Error::message)
                .anySatisfy(m -> assertThat(m).contains("does not fit the model's context window"))
                .anySatisfy(m -> assertThat(m).contains("prompt is too long"));
        assertThat(provider.requests).hasSize(1);  // no summary call: there was nothing older to summarise
        // The agent stays usable.
        provider.steps.clear();
        provider.then(request -> text("short answer"));
        agent.send("short question");
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.END_TURN);
    }

    @Test
    void manualCompactionKeepsPinnedMessagesAndHonoursPreCompactDeny() throws Exception {
        QueueProvider provider = new QueueProvider();
        HookRegistry hooks = new HookRegistry();
        List<HookInput.PreCompact> pre = new ArrayList<>();
        boolean[] refuse = {true};
        hooks.register(HookEvent.PRE_COMPACT, in -> {
            pre.add((HookInput.PreCompact) in);
            return refuse[0] ? HookDecision.deny("not now") : HookDecision.noOpinion();
        });
        AgentHandle agent = runtime.spawn(config(provider).hooks(hooks).build());
        Subscription sub = agent.subscribe();
        provider.then(r -> text("first answer"));
        agent.send("the original task");
        untilDone(sub);
        provider.then(r -> text("noted"));
        agent.sendPinned("RULE: always answer in French");
        untilDone(sub);
        provider.then(r -> text("third answer"));
        agent.send("a later question");
        untilDone(sub);

        agent.compact("keep the French rule");
        List<OutputChunk> refused = until(sub, c -> c instanceof OutputChunk.Status s
                && s.code() == StatusCode.COMPACTION_FAILED);
        assertThat(statuses(refused, StatusCode.COMPACTION_FAILED).getFirst().message()).contains("not now");
        assertThat(pre.getFirst().instructions()).contains("keep the French rule");
        assertThat(pre.getFirst().trigger()).isEqualTo(HookInput.CompactTrigger.MANUAL);
        assertThat(records(agent.sessionId(), Compactor.RECORD)).isEmpty();

        refuse[0] = false;
        provider.then(r -> {
            assertThat(isSummaryCall(r)).isTrue();
            assertThat(r.messages().getFirst().text()).contains("The user asks the summary to focus on: keep the French rule")
                    .contains("[User]: the original task");
            return text("## Task\nanswer questions");
        });
        agent.compact("keep the French rule");
        until(sub, c -> c instanceof OutputChunk.Status s && s.code() == StatusCode.COMPACTED);

        provider.then(r -> text("réponse"));
        agent.send("next question");
        untilDone(sub);
        LlmRequest after = provider.requests.getLast();
        String head = after.messages().getFirst().text();
        assertThat(head).contains("the original task").contains("RULE: always answer in French")
                .contains(Compactor.SUMMARY_HEADER).contains("answer questions");
        assertThat(after.messages().getLast().text()).contains("next question");
        assertThat(records(agent.sessionId(), Compactor.PIN_RECORD)).hasSize(1);
        assertThat(history(agent.sessionId())).hasSize(8);  // nothing removed from disk
        assertSendable(after.messages());
    }

    @Test
    void theReportedInputTokensRaiseTheEstimateButFakeSmallOnesNeverLowerIt() {
        Message m = Message.user("a".repeat(4_000));
        assertThat(TokenEstimator.message(m)).isBetween(1_000L, 1_020L);
        assertThat(TokenEstimator.text("日本語のテキスト", 4.0)).isEqualTo(8);
        assertThat(TokenEstimator.block(new dev.picrust.llm.ImageBlock(
                new dev.picrust.llm.MediaSource.Url("https://example.invalid/a.png"), java.util.Map.of())))
                .isGreaterThanOrEqualTo(TokenEstimator.IMAGE_TOKENS);
        assertThat(TokenEstimator.text("{\"a\":1}", 3.0)).isEqualTo(3);
    }

    @Test
    void theContextWindowBelongsToTheModel() {
        AgentConfig config = AgentConfig.builder(new QueueProvider()).model("a").contextWindow(10_000).build();
        assertThat(config.toBuilder().model("a").build().contextWindow()).hasValue(10_000);
        assertThat(config.toBuilder().model("b").build().contextWindow()).as("another model's window").isEmpty();
        assertThat(config.toBuilder().model("b").contextWindow(5_000).build().contextWindow()).hasValue(5_000);
        assertThat(config.withModel(new QueueProvider(), "c").contextWindow()).isEmpty();
        // Without a configured window the built-in catalog knows its models; an unknown model has none.
        try (var session = store.create(dev.picrust.session.SessionMetadata.create("w1", "a", "m", "p"))) {
            assertThat(new Compactor(AgentConfig.builder(new QueueProvider()).model("claude-sonnet-4-5").build(),
                    session, chunk -> { }, null, UsageLedger.runtime()).contextWindow()).hasValue(200_000);
            assertThat(new Compactor(AgentConfig.builder(new QueueProvider()).model("my-local-model").build(),
                    session, chunk -> { }, null, UsageLedger.runtime()).contextWindow()).isEmpty();
        }
    }

    static LlmResponse usage(LlmResponse r, long input) {
        return new LlmResponse(r.id(), r.model(), r.content(), r.stopReason(), new Usage(input, 5, 0, 0));
    }

    @Test
    void aProviderReportingMoreTokensThanEstimatedTriggersCompactionEarlier() throws Exception {
        QueueProvider provider = new QueueProvider();
        provider.then(r -> usage(text("one"), 100));
        provider.then(r -> usage(text("two"), 9_000));  // the tokeniser counts far more than our estimate
        provider.then(r -> {
            assertThat(isSummaryCall(r)).isTrue();
            return text("## Task\nsmall talk");
        });
        provider.then(r -> text("three"));
        AgentHandle agent = runtime.spawn(config(provider).contextWindow(10_000).maxTokens(200).build());
        Subscription sub = agent.subscribe();
        agent.send("first");
        untilDone(sub);
        agent.send("second");
        untilDone(sub);
        agent.send("third");
        List<OutputChunk> chunks = untilDone(sub);
        assertThat(statuses(chunks, StatusCode.COMPACTED)).hasSize(1);
        assertThat(provider.requests.getLast().messages().getFirst().text()).contains("small talk");
        assertThat(provider.requests.getLast().messages().getFirst().role()).isEqualTo(Role.USER);
    }
}
