package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Budget;
import dev.picrust.agent.SubagentSpec;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.StatusCode;
import dev.picrust.event.UsageTotals;
import dev.picrust.json.Json;
import dev.picrust.llm.Usage;
import dev.picrust.llm.catalog.ModelCatalog;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Budgets stop agents before the next model call, never inside a tool, at every limit (turn, session,
 * tree; tokens, cost, calls), and the usage chunks carry sums that match the price table by hand.
 *
 * <p>Every call below reports {@link #CALL}: 1000 input, 200 output, 500 cache-read and 100
 * cache-write tokens (1800 in all). The model is {@code claude-sonnet-4-5}, whose built-in prices
 * are $3 / $15 / $0.30 / $3.75 per million, so one call costs
 * (1000*3 + 200*15 + 500*0.3 + 100*3.75) / 1e6 = 6525 / 1e6 = $0.006525.
 */
class BudgetEnforcementTest {
    static final Usage CALL = new Usage(1000, 200, 500, 100, 40);
    static final double CALL_COST = 0.006525;
    static final String MODEL = "claude-sonnet-4-5";

    @TempDir Path dir;

    enum Scope { TURN, SESSION, TREE }

    enum Kind { TOKENS, COST, CALLS }

    /** Each limit is set so that two calls reach it: the third is never made. */
    static Budget.Limit reachedAfterTwoCalls(Kind kind) {
        return switch (kind) {
            case TOKENS -> Budget.Limit.NONE.maxTokens(3000);      // 1800 allows a second call, 3600 does not
            case COST -> Budget.Limit.NONE.maxCost(0.01);          // 0.006525 then 0.01305
            case CALLS -> Budget.Limit.NONE.maxCalls(2);
        };
    }

    static Budget budget(Scope scope, Budget.Limit limit) {
        return switch (scope) {
            case TURN -> Budget.NONE.perTurn(limit);
            case SESSION -> Budget.NONE.perSession(limit);
            case TREE -> Budget.NONE.perTree(limit);
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @EnumSource(Scope.class)
    void everyLimitStopsBeforeTheThirdCallAndAfterTheToolsFinished(Scope scope) throws Exception {
        for (Kind kind : Kind.values()) {
            ScriptedModel model = toolLoop(5);
            AtomicInteger ran = new AtomicInteger();
            try (AgentRuntime runtime = new AgentRuntime(SessionStore.at(dir.resolve(scope + "-" + kind)))) {
                AgentHandle agent = runtime.spawn(config(model, ran).budget(budget(scope, reachedAfterTwoCalls(kind))).build());
                List<OutputChunk> chunks = turn(agent, "count twice");

                assertThat(model.callCount()).as(scope + " " + kind).isEqualTo(2);
                assertThat(ran).as("both tools ran to their end").hasValue(2);
                assertThat(done(chunks)).isEqualTo(EndReason.BUDGET_EXCEEDED);
                OutputChunk.Status status = statuses(chunks, StatusCode.BUDGET_EXCEEDED).getFirst();
                assertThat(status.message()).startsWith(scope.name().toLowerCase().replace("tree", "agent tree")
                        + " budget reached");
                // The stop comes after the second tool's end, not inside it.
                assertThat(chunks.indexOf(status)).isGreaterThan(lastIndex(chunks, OutputChunk.ToolEnd.class));
                OutputChunk.UsageReport last = usages(chunks).getLast();
                assertThat(last.turn().calls()).isEqualTo(2);
                assertThat(last.turn().tokens()).isEqualTo(3600);
                assertThat(last.turn().cost().orElseThrow()).isCloseTo(2 * CALL_COST, within(1e-12));
            }
        }
    }

    @Test
    void usageChunksCarryCostAndRunningTotalsAndTheSessionFileKeepsThem() throws Exception {
        ScriptedModel model = toolLoop(1).replyText("done");
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        String id;
        try (AgentRuntime runtime = new AgentRuntime(store)) {
            AgentHandle agent = runtime.spawn(config(model, new AtomicInteger()).build());
            id = agent.sessionId();
            List<OutputChunk.UsageReport> first = usages(turn(agent, "one"));
            assertThat(first).hasSize(2);
            OutputChunk.UsageReport call = first.getFirst();
            assertThat(call.usage()).isEqualTo(CALL);
            assertThat(call.cost().orElseThrow()).isCloseTo(CALL_COST, within(1e-12));
            assertThat(first.getLast().turn().calls()).isEqualTo(2);
            assertThat(first.getLast().session().cost().orElseThrow()).isCloseTo(2 * CALL_COST, within(1e-12));

            model.replyText("again");
            List<OutputChunk.UsageReport> second = usages(turn(agent, "two"));
            OutputChunk.UsageReport latest = second.getLast();
            assertThat(latest.turn().calls()).as("the turn starts from zero").isEqualTo(1);
            assertThat(latest.session().calls()).isEqualTo(3);
            assertThat(latest.session().usage()).isEqualTo(new Usage(3000, 600, 1500, 300, 120));
            assertThat(latest.tree().calls()).isEqualTo(3);
            assertThat(runtime.usage().calls()).isEqualTo(3);
            assertThat(runtime.usage().cost().orElseThrow()).isCloseTo(3 * CALL_COST, within(1e-12));
            assertThat(latest.session().pricedCost()).isCloseTo(0.019575, within(1e-12));
        }
        // Recomputed from the file: each usage rides on its message's line, no line of its own.
        UsageTotals stored = store.read(id).usage();
        assertThat(stored.calls()).isEqualTo(3);
        assertThat(stored.usage()).isEqualTo(new Usage(3000, 600, 1500, 300, 120));
        assertThat(stored.cost().orElseThrow()).isCloseTo(3 * CALL_COST, within(1e-12));
        List<String> lines = Files.readAllLines(dir.resolve("sessions").resolve(id).resolve("history.jsonl"));
        assertThat(lines).noneMatch(l -> l.contains("\"record\":\"usage\""));
        assertThat(lines.stream().filter(l -> l.contains("\"usage\":{")).count()).isEqualTo(3);
    }

    @Test
    void pricesFromModelsJsonOverrideTheBuiltInOnesAndUnknownModelsHaveNoCost() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(ModelCatalog.FILE_NAME), """
                {"providers": {"anthropic": {"models": [{"id": "claude-sonnet-4-5",
                  "cost": {"input": 1, "output": 2, "cacheRead": 0.5, "cacheWrite": 4}}]}}}""");
        ModelCatalog catalog = ModelCatalog.load(home, Optional.empty());
        ScriptedModel model = new ScriptedModel(MODEL).usage(CALL).replyText("hi");
        try (AgentRuntime runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")))) {
            AgentHandle agent = runtime.spawn(config(model, new AtomicInteger()).prices(catalog).build());
            OutputChunk.UsageReport report = usages(turn(agent, "hi")).getFirst();
            // (1000*1 + 200*2 + 500*0.5 + 100*4) / 1e6
            assertThat(report.cost().orElseThrow()).isCloseTo(0.00205, within(1e-12));

            ScriptedModel unknown = new ScriptedModel("house-model").usage(CALL).replyText("hi");
            AgentHandle other = runtime.spawn(config(unknown, new AtomicInteger()).build());
            OutputChunk.UsageReport unpriced = usages(turn(other, "hi")).getFirst();
            assertThat(unpriced.cost()).isEmpty();
            assertThat(unpriced.session().unpricedCalls()).isEqualTo(1);
            assertThat(runtime.usage().cost()).as("one call of the runtime has no price").isEmpty();
            assertThat(runtime.usage().pricedCost()).isCloseTo(0.00205, within(1e-12));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTreeBudgetIsSharedWithSubagentsAndStopsTheChildThenTheParent(Kind kind) throws Exception {
        ScriptedModel model = new ScriptedModel(MODEL).usage(CALL)
                .replyToolUse("Task", Json.object().put("description", "count").put("prompt", "count things")
                        .put("subagent_type", "counter"))
                .replyToolUse("Count", Json.object())   // the child's first call
                .replyToolUse("Count", Json.object())   // never made: the tree has had 2 calls
                .replyText("never");
        AtomicInteger ran = new AtomicInteger();
        SubagentSpec counter = SubagentSpec.builder("counter", "counts").tools(Set.of("Count")).build();
        try (AgentRuntime runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")))) {
            AgentHandle parent = runtime.spawn(config(model, ran).subagents(List.of(counter))
                    .budget(Budget.NONE.perTree(reachedAfterTwoCalls(kind))).build());
            List<OutputChunk> chunks = turn(parent, "delegate");

            assertThat(model.callCount()).isEqualTo(2);
            assertThat(ran).hasValue(1);
            List<OutputChunk> childChunks = chunks.stream().filter(OutputChunk.SubagentOutput.class::isInstance)
                    .map(c -> ((OutputChunk.SubagentOutput) c).chunk()).toList();
            assertThat(statuses(childChunks, StatusCode.BUDGET_EXCEEDED).getFirst().message())
                    .startsWith("the parent's agent tree budget reached");
            assertThat(childChunks).contains(new OutputChunk.Done(EndReason.BUDGET_EXCEEDED));
            assertThat(done(chunks)).isEqualTo(EndReason.BUDGET_EXCEEDED);
            assertThat(statuses(chunks, StatusCode.BUDGET_EXCEEDED).getFirst().message())
                    .startsWith("agent tree budget reached");
            assertThat(parent.usage().session().calls()).isEqualTo(1);
            assertThat(parent.usage().tree().calls()).as("the child's call counts in the parent's tree").isEqualTo(2);
            assertThat(parent.usage().tree().cost().orElseThrow()).isCloseTo(2 * CALL_COST, within(1e-12));
            assertThat(runtime.usage().calls()).isEqualTo(2);
        }
    }

    @Test
    void resumingWithARaisedBudgetContinuesTheTurn() throws Exception {
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        ScriptedModel model = toolLoop(3).replyText("all counted");
        AtomicInteger ran = new AtomicInteger();
        String id;
        try (AgentRuntime runtime = new AgentRuntime(store)) {
            AgentHandle agent = runtime.spawn(config(model, ran)
                    .budget(Budget.NONE.perSession(Budget.Limit.NONE.maxCost(0.01))).build());
            id = agent.sessionId();
            assertThat(done(turn(agent, "count three times"))).isEqualTo(EndReason.BUDGET_EXCEEDED);
            assertThat(model.callCount()).isEqualTo(2);
        }
        try (AgentRuntime runtime = new AgentRuntime(store)) {
            // The same budget still holds: the stored usage counts.
            AgentHandle same = runtime.resume(config(model, ran)
                    .budget(Budget.NONE.perSession(Budget.Limit.NONE.maxCost(0.01))).build(), id);
            assertThat(same.usage().session().calls()).isEqualTo(2);
            assertThat(done(continueTurn(same))).isEqualTo(EndReason.BUDGET_EXCEEDED);
            assertThat(model.callCount()).isEqualTo(2);
            same.shutdown();
            same.awaitTermination(java.time.Duration.ofSeconds(10));

            AgentHandle raised = runtime.resume(config(model, ran)
                    .budget(Budget.NONE.perSession(Budget.Limit.NONE.maxCost(1.0))).build(), id);
            List<OutputChunk> chunks = continueTurn(raised);
            assertThat(done(chunks)).isEqualTo(EndReason.END_TURN);
            assertThat(model.callCount()).isEqualTo(4);
            assertThat(ran).hasValue(3);
            OutputChunk.UsageReport last = usages(chunks).getLast();
            assertThat(last.session().calls()).isEqualTo(4);
            assertThat(last.session().cost().orElseThrow()).isCloseTo(4 * CALL_COST, within(1e-12));
        }
        assertThat(store.read(id).usage().calls()).isEqualTo(4);
    }

    // ---------------------------------------------------------------- helpers

    /** {@code count} calls of the Count tool, each answered by a new model call. */
    static ScriptedModel toolLoop(int count) {
        ScriptedModel model = new ScriptedModel(MODEL).usage(CALL);
        for (int i = 0; i < count; i++) {
            model.replyToolUse("Count", Json.object());
        }
        return model;
    }

    AgentConfig.Builder config(ScriptedModel model, AtomicInteger ran) {
        return AgentConfig.builder(model).model(model.defaultModel()).workingDirectory(dir)
                .tools(new ToolRegistry().register(new Count(ran)));
    }

    static List<OutputChunk> turn(AgentHandle agent, String prompt) {
        List<OutputChunk> chunks = new ArrayList<>();
        agent.prompt(prompt).forEach(chunks::add);
        return chunks;
    }

    static List<OutputChunk> continueTurn(AgentHandle agent) throws InterruptedException {
        List<OutputChunk> chunks = new ArrayList<>();
        try (Subscription output = agent.subscribe(Integer.MAX_VALUE)) {
            agent.continueTurn();
            for (Optional<OutputChunk> next = output.next(); next.isPresent(); next = output.next()) {
                chunks.add(next.get());
                if (next.get() instanceof OutputChunk.Done) {
                    break;
                }
            }
        }
        return chunks;
    }

    static EndReason done(List<OutputChunk> chunks) {
        return chunks.stream().filter(OutputChunk.Done.class::isInstance).map(c -> ((OutputChunk.Done) c).reason())
                .reduce((a, b) -> b).orElseThrow();
    }

    static List<OutputChunk.Status> statuses(List<OutputChunk> chunks, StatusCode code) {
        return chunks.stream().filter(c -> c instanceof OutputChunk.Status s && s.code() == code)
                .map(OutputChunk.Status.class::cast).toList();
    }

    static List<OutputChunk.UsageReport> usages(List<OutputChunk> chunks) {
        return chunks.stream().filter(OutputChunk.UsageReport.class::isInstance)
                .map(OutputChunk.UsageReport.class::cast).toList();
    }

    static int lastIndex(List<OutputChunk> chunks, Class<?> type) {
        for (int i = chunks.size() - 1; i >= 0; i--) {
            if (type.isInstance(chunks.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** A read-only tool that counts its runs. */
    record Count(AtomicInteger ran) implements Tool {
        @Override
        public String name() {
            return "Count";
        }

        @Override
        public String description() {
            return "Counts one.";
        }

        @Override
        public JsonNode inputSchema() {
            return Json.object().put("type", "object");
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public ToolResult execute(JsonNode input, ToolContext context) {
            return ToolResult.text("count " + ran.incrementAndGet());
        }
    }
}
