package dev.picrust.runtime;

import dev.picrust.event.EndReason;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.AgentState;
import dev.picrust.agent.SubagentSpec;

import static dev.picrust.runtime.ScriptedProvider.call;
import static dev.picrust.runtime.ScriptedProvider.text;
import static dev.picrust.runtime.ScriptedProvider.toolCalls;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.agent.StandardAgent;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class SubagentsTest extends RuntimeTestBase {
    static final String FAST = "You are fast.";
    static final String SLOW = "You are slow.";

    static final SubagentSpec FAST_SPEC = SubagentSpec.builder("fast", "answers at once").systemPrompt(FAST).build();
    static final SubagentSpec SLOW_SPEC = SubagentSpec.builder("slow", "takes too long").systemPrompt(SLOW)
            .timeout(Duration.ofMillis(500)).build();

    static String task(String description, String prompt, String type) {
        return Json.write(Json.object().put("description", description).put("prompt", prompt)
                .put("subagent_type", type));
    }

    /** A child step that blocks until its call is cancelled, counting down the latches around that. */
    static ScriptedProvider.Step blockUntilCancelled(CountDownLatch started, CountDownLatch cancelled) {
        return (r, l, c) -> {
            CountDownLatch signal = new CountDownLatch(1);
            try (var reg = c.onCancel(signal::countDown)) {
                started.countDown();
                assertThat(signal.await(TestTools.WAIT_SECONDS, SECONDS)).isTrue();
            }
            cancelled.countDown();
            throw new CancellationException("stream closed");
        };
    }

    static List<ToolResultBlock> resultsSentBack(ScriptedProvider provider) {
        return provider.requests().get(1).messages().getLast().toolResults();
    }

    static String childOf(List<OutputChunk> chunks, String agentType, SessionStore store) {
        return chunks.stream().filter(OutputChunk.SubagentOutput.class::isInstance)
                .map(c -> ((OutputChunk.SubagentOutput) c).sessionId()).distinct()
                .filter(id -> store.readMetadata(id).orElseThrow().agentType().equals(agentType))
                .findFirst().orElseThrow();
    }

    @Test
    void twoSubagentsRunInParallelOneTimesOutAndTheParentGetsBothOutcomesInCallOrder() throws Exception {
        CountDownLatch bothStarted = new CountDownLatch(2);
        Map<String, Long> at = new ConcurrentHashMap<>();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("quick one", "answer fast", "fast")),
                        call("k2", "Task", task("slow one", "answer slowly", "slow"))))
                .thenText("parent done");
        provider.forSystemPrompt(FAST).then((r, l, c) -> {
            at.put("fastStart", System.nanoTime());
            bothStarted.countDown();
            assertThat(bothStarted.await(TestTools.WAIT_SECONDS, SECONDS)).as("slow child started too").isTrue();
            at.put("fastEnd", System.nanoTime());
            return text("fast answer");
        });
        provider.forSystemPrompt(SLOW).then((r, l, c) -> {
            at.put("slowStart", System.nanoTime());
            bothStarted.countDown();
            assertThat(bothStarted.await(TestTools.WAIT_SECONDS, SECONDS)).as("fast child started too").isTrue();
            CountDownLatch cancelled = new CountDownLatch(1);
            try (var reg = c.onCancel(cancelled::countDown)) {
                assertThat(cancelled.await(TestTools.WAIT_SECONDS, SECONDS)).as("stopped at its timeout").isTrue();
            }
            at.put("slowEnd", System.nanoTime());
            throw new CancellationException("stream closed");
        });
        AgentHandle parent = runtime.spawn(config(provider, TestTools.echo())
                .subagents(List.of(FAST_SPEC, SLOW_SPEC)).build(), "parent");
        Subscription sub = parent.subscribe();
        parent.send("delegate both");
        List<OutputChunk> chunks = untilDone(sub);
        assertThat(done(chunks).reason()).isEqualTo(EndReason.END_TURN);

        // overlapping: each child started before the other finished
        assertThat(at.get("fastStart")).isLessThan(at.get("slowEnd"));
        assertThat(at.get("slowStart")).isLessThan(at.get("fastEnd"));

        // both outcomes, in call order
        List<ToolResultBlock> results = resultsSentBack(provider);
        assertThat(results).extracting(ToolResultBlock::toolUseId).containsExactly("k1", "k2");
        assertThat(results.get(0).isError()).isFalse();
        assertThat(results.get(0).text()).isEqualTo("fast answer");
        assertThat(results.get(1).isError()).isTrue();
        assertThat(results.get(1).text()).contains("'slow'").contains("did not finish within 500 ms");

        // lineage, both ways, on disk
        String fastId = childOf(chunks, "fast", store);
        String slowId = childOf(chunks, "slow", store);
        assertThat(store.readMetadata("parent").orElseThrow().children()).containsExactlyInAnyOrder(fastId, slowId);
        SessionMetadata fastMeta = store.readMetadata(fastId).orElseThrow();
        assertThat(fastMeta.parentId()).contains("parent");
        assertThat(fastMeta.description()).isEqualTo("quick one");
        assertThat(fastMeta.custom().get("parent_tool_use_id").asText()).isEqualTo("k1");
        assertThat(store.readMetadata(slowId).orElseThrow().custom().get("parent_tool_use_id").asText()).isEqualTo("k2");

        // child output reached the parent's subscribers, and the parent showed that it waited
        assertThat(chunks).contains(new OutputChunk.SubagentOutput(fastId, new OutputChunk.TextDelta("fast answer")));
        assertThat(chunks).contains(new OutputChunk.SubagentOutput(slowId, new OutputChunk.Done(EndReason.INTERRUPTED)));
        assertThat(chunks).anyMatch(c -> c instanceof OutputChunk.StateChange s
                && s.state() instanceof AgentState.WaitingForSubagent);

        // children are gone from the registry; their histories are valid on their own
        assertThat(runtime.find(fastId)).isEmpty();
        assertThat(runtime.find(slowId)).isEmpty();
        assertThat(runtime.list()).containsExactly(parent);
        HistoryCheck.assertValid(history(fastId));
        HistoryCheck.assertValid(history(slowId));
        HistoryCheck.assertValid(history("parent"));
    }

    @Test
    void interruptingTheParentCancelsItsChild() throws Exception {
        CountDownLatch childStarted = new CountDownLatch(1);
        CountDownLatch childCancelled = new CountDownLatch(1);
        SubagentSpec worker = SubagentSpec.builder("worker", "works long").systemPrompt("You work.").build();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("work", "work long", "worker"))))
                .thenText("after the interruption");
        provider.forSystemPrompt("You work.").then(blockUntilCancelled(childStarted, childCancelled));
        AgentHandle parent = runtime.spawn(config(provider).subagents(List.of(worker)).build(), "parent");
        Subscription sub = parent.subscribe();
        parent.send("delegate");
        assertThat(childStarted.await(20, SECONDS)).isTrue();
        AgentState waiting = parent.state();
        assertThat(waiting).isInstanceOf(AgentState.WaitingForSubagent.class);
        String childId = ((AgentState.WaitingForSubagent) waiting).sessionId();
        assertThat(runtime.find(childId)).isPresent();

        parent.interrupt();
        List<OutputChunk> chunks = untilDone(sub);
        assertThat(done(chunks).reason()).isEqualTo(EndReason.INTERRUPTED);
        assertThat(childCancelled.getCount()).isZero();
        assertThat(runtime.find(childId)).isEmpty();

        List<Message> history = history("parent");
        HistoryCheck.assertValid(history);
        ToolResultBlock result = history.getLast().toolResults().getFirst();
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("parent's turn was interrupted");
        List<Message> childHistory = history(childId);
        HistoryCheck.assertValid(childHistory);
        assertThat(childHistory.getLast().text()).contains(StandardAgent.INTERRUPTED_MARKER);

        parent.send("again");
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);
    }

    @Test
    void iterationAndTokenCapsStopChildren() throws Exception {
        SubagentSpec looper = SubagentSpec.builder("looper", "loops").systemPrompt("You loop.")
                .maxIterations(1).build();
        SubagentSpec spender = SubagentSpec.builder("spender", "spends tokens").systemPrompt("You spend.")
                .tools(Set.of("Block")).maxOutputTokens(100).build();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("loop", "loop", "looper")),
                        call("k2", "Task", task("spend", "spend", "spender"))))
                .thenText("parent done");
        provider.forSystemPrompt("You loop.").then((r, l, c) -> toolCalls(call("c1", "Echo", "{}")));
        provider.forSystemPrompt("You spend.").then((r, l, c) -> toolCalls(500, call("c2", "Block", "{}")));
        AgentHandle parent = runtime.spawn(config(provider, TestTools.echo(), TestTools.block(new CountDownLatch(1)))
                .subagents(List.of(looper, spender)).build(), "parent");
        Subscription sub = parent.subscribe();
        parent.send("go");
        assertThat(done(untilDone(sub)).reason()).isEqualTo(EndReason.END_TURN);

        List<ToolResultBlock> results = resultsSentBack(provider);
        assertThat(results.get(0).isError()).isTrue();
        assertThat(results.get(0).text()).contains("stopped after 1 model call(s)");
        assertThat(results.get(1).isError()).isTrue();
        assertThat(results.get(1).text()).contains("produced 500 output tokens, more than its cap of 100");
        assertThat(runtime.list()).containsExactly(parent);
    }

    @Test
    void childrenGetTheSpecsPromptToolsModelAndGate() throws Exception {
        dev.picrust.agent.Permissions denyAll = dev.picrust.agent.Permissions.defaults().deny("Echo");
        SubagentSpec narrow = SubagentSpec.builder("narrow", "limited").systemPrompt("You are narrow.")
                .tools(Set.of("Echo")).model("small-model").permissions(denyAll).build();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("narrow", "try echo", "narrow"))))
                .thenText("parent done");
        ScriptedProvider.Script child = provider.forSystemPrompt("You are narrow.")
                .then((r, l, c) -> toolCalls(call("c1", "Echo", "{}")))
                .thenText("narrow done");
        AgentHandle parent = runtime.spawn(config(provider, TestTools.echo(), TestTools.mutate())
                .model("big-model").subagents(List.of(narrow)).build(), "parent");
        Subscription sub = parent.subscribe();
        parent.send("go");
        untilDone(sub);

        LlmRequest first = child.requests.getFirst();
        assertThat(first.model()).isEqualTo("small-model");
        assertThat(first.tools()).extracting(ToolDefinition::name).containsExactly("Echo");
        assertThat(first.messages()).containsExactly(Message.user("try echo"));
        ToolResultBlock denied = child.requests.get(1).messages().getLast().toolResults().getFirst();
        assertThat(denied.isError()).isTrue();
        assertThat(denied.text()).contains("Echo").contains("deny");
        // the parent itself sees the Task tool and its own tools, with its own model
        assertThat(provider.requests().getFirst().model()).isEqualTo("big-model");
        assertThat(provider.requests().getFirst().tools()).extracting(ToolDefinition::name)
                .containsExactly("Echo", "Mutate", "Task");
        assertThat(resultsSentBack(provider).getFirst().text()).isEqualTo("narrow done");
    }

    @Test
    void aFailingChildBecomesAnErrorResultAndAnUnknownTypeIsRefused() throws Exception {
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("fail", "fail", "fast")),
                        call("k2", "Task", task("ghost", "boo", "ghost"))))
                .thenText("parent done");
        provider.forSystemPrompt(FAST).then((r, l, c) -> {
            throw new LlmException(LlmException.Kind.OVERLOADED, "model overloaded");
        });
        AgentHandle parent = runtime.spawn(config(provider).subagents(List.of(FAST_SPEC, SLOW_SPEC)).build(), "parent");
        Subscription sub = parent.subscribe();
        parent.send("go");
        untilDone(sub);

        List<ToolResultBlock> results = resultsSentBack(provider);
        assertThat(results.get(0).isError()).isTrue();
        assertThat(results.get(0).text()).contains("ended with 'error'").contains("model overloaded");
        assertThat(results.get(1).isError()).isTrue();
        // refused by schema validation (enum) before the tool runs; the tool refuses it the same way itself
        assertThat(results.get(1).text()).contains("subagent_type").contains("ghost").contains("fast").contains("slow");
    }

    @Test
    void codeCanRunSubagentsFromItsOwnTools() throws Exception {
        SubagentSpec helper = SubagentSpec.builder("helper", "helps code").systemPrompt("You help.").build();
        Tool delegate = new TestTools.Simple("Delegate", true) {
            public ToolResult execute(JsonNode input, ToolContext ctx) {
                SubagentResult r = runtime.subagents().run(ctx, helper, "prompt from code");
                return ToolResult.text(r.outcome() + "|" + r.text() + "|" + r.usage().outputTokens() + "|"
                        + r.sessionId());
            }
        };
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("d1", "Delegate", "{}")))
                .thenText("parent done");
        provider.forSystemPrompt("You help.").thenText("code answer");
        AgentHandle parent = runtime.spawn(config(provider, delegate).build(), "parent");
        Subscription sub = parent.subscribe();
        parent.send("go");
        untilDone(sub);

        String[] parts = resultsSentBack(provider).getFirst().text().split("\\|");
        assertThat(parts[0]).isEqualTo("COMPLETED");
        assertThat(parts[1]).isEqualTo("code answer");
        assertThat(parts[2]).isEqualTo("5");
        assertThat(store.readMetadata(parts[3]).orElseThrow().parentId()).contains("parent");
        assertThat(store.readMetadata("parent").orElseThrow().children()).containsExactly(parts[3]);
        // no subagents configured: no Task tool offered
        assertThat(provider.requests().getFirst().tools()).extracting(ToolDefinition::name).containsExactly("Delegate");
    }

    @Test
    void aChildInheritsWhatItsSpecDoesNotSayButNeverTheTaskTool() {
        ScriptedProvider provider = new ScriptedProvider();
        dev.picrust.agent.Permissions parentGate = dev.picrust.agent.Permissions.defaults().allow("Mutate");
        dev.picrust.agent.AgentConfig parentConfig = config(provider, TestTools.echo(), TestTools.mutate(),
                new TaskTool(runtime.subagents(), List.of(FAST_SPEC)))
                .model("parent-model").maxTokens(1234).interactive(true).permissions(parentGate)
                .subagents(List.of(FAST_SPEC)).build();

        var ceiling = new dev.picrust.permission.PermissionPolicy.Ceiling(parentGate.policy(dir), "agent",
                parentGate.mode());
        dev.picrust.agent.AgentConfig child = Subagents.childConfig(parentConfig, FAST_SPEC, ceiling);
        assertThat(child.tools().tools()).extracting(Tool::name).containsExactly("Echo", "Mutate");
        assertThat(child.model()).isEqualTo("parent-model");
        assertThat(child.permissions()).isEqualTo(parentGate.under(ceiling));
        assertThat(child.permissions().ceiling()).contains(ceiling);
        assertThat(child.maxTokens()).isEqualTo(1234);
        assertThat(child.interactive()).isTrue();
        assertThat(child.workingDirectory()).isEqualTo(parentConfig.workingDirectory());
        assertThat(child.systemPrompt()).isEqualTo(FAST);
        assertThat(child.agentType()).isEqualTo("fast");
        assertThat(child.subagents()).isEmpty();

        SubagentSpec listed = SubagentSpec.builder("listed", "x").tools(Set.of("Mutate", "Task", "Nope")).build();
        assertThat(Subagents.childConfig(parentConfig, listed, ceiling).tools().tools()).extracting(Tool::name)
                .containsExactly("Mutate");
    }

    @Test
    void taskToolDescribesItsTypesAndRunsInParallel() {
        TaskTool tool = new TaskTool(runtime.subagents(), List.of(FAST_SPEC, SLOW_SPEC));
        assertThat(tool.name()).isEqualTo("Task");
        assertThat(tool.concurrencySafe()).isTrue();
        assertThat(tool.description()).contains("- fast: answers at once").contains("- slow: takes too long");
        JsonNode schema = tool.inputSchema();
        assertThat(schema.path("required").toString()).isEqualTo("[\"description\",\"prompt\"]");
        assertThat(schema.path("properties").path("subagent_type").path("enum").toString())
                .isEqualTo("[\"fast\",\"slow\"]");
        // its own checks (input validation usually refuses these first); no context is needed to refuse
        assertThatThrownBy(() -> tool.execute(Json.parse("{\"prompt\":\"p\",\"subagent_type\":\"ghost\"}"), null))
                .isInstanceOf(ToolException.class).hasMessage("Unknown subagent_type 'ghost'. Available: fast, slow");
        assertThatThrownBy(() -> tool.execute(Json.parse("{\"prompt\":\" \"}"), null))
                .isInstanceOf(ToolException.class).hasMessageContaining("non-empty 'prompt'");
    }

    @Test
    void subagentStartAndStopHooksFireAndAStartHookCanRefuseAChild() throws Exception {
        java.util.List<dev.picrust.hook.HookInput> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.picrust.hook.HookRegistry hooks = new dev.picrust.hook.HookRegistry();
        hooks.register(dev.picrust.hook.HookEvent.SUBAGENT_START, input -> {
            seen.add(input);
            return ((dev.picrust.hook.HookInput.SubagentStart) input).prompt().contains("forbidden")
                    ? dev.picrust.hook.HookDecision.deny("no forbidden work")
                    : dev.picrust.hook.HookDecision.noOpinion();
        });
        hooks.register(dev.picrust.hook.HookEvent.SUBAGENT_STOP, input -> {
            seen.add(input);
            return dev.picrust.hook.HookDecision.noOpinion();
        });
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("ok", "fine work", "fast")),
                        call("k2", "Task", task("no", "forbidden work", "fast"))))
                .thenText("parent done");
        provider.forSystemPrompt(FAST).thenText("fast answer");
        AgentHandle parent = runtime.spawn(config(provider, TestTools.echo()).hooks(hooks)
                .subagents(List.of(FAST_SPEC)).build(), "hooked-parent");
        Subscription sub = parent.subscribe();
        parent.send("go");
        untilDone(sub);

        List<ToolResultBlock> results = resultsSentBack(provider);
        assertThat(results.get(0).text()).contains("fast answer");
        assertThat(results.get(1).isError()).isTrue();
        assertThat(results.get(1).text()).contains("blocked by a SubagentStart hook: no forbidden work");
        assertThat(seen).filteredOn(dev.picrust.hook.HookInput.SubagentStart.class::isInstance).hasSize(2);
        assertThat(seen).filteredOn(dev.picrust.hook.HookInput.SubagentStop.class::isInstance)
                .singleElement()
                .satisfies(i -> assertThat(((dev.picrust.hook.HookInput.SubagentStop) i).lastAssistantText())
                        .isEqualTo("fast answer"));
    }
}
