package dev.picrust.runtime;

import static dev.picrust.runtime.ScriptedProvider.call;
import static dev.picrust.runtime.ScriptedProvider.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Permissions;
import dev.picrust.agent.SubagentSpec;
import dev.picrust.event.DecisionSourceKind;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.permission.PermissionMode;
import dev.picrust.permission.PermissionRule;
import dev.picrust.permission.PermissionTier;
import dev.picrust.permission.RuleStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolResult;
import dev.picrust.tool.builtin.BashTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The subagent bypasses of issue 10, end to end through the Task tool: a child never does what its
 * parent's deny or ask rules (any tier) or mode forbid, whatever its own definition says, down to
 * grandchildren; and {@code Task(type)} rules see the default type when the call leaves it out.
 */
class SubagentPermissionsTest extends RuntimeTestBase {
    static final String CHILD = "You are the child.";

    static String task(String prompt, String type) {
        var input = Json.object().put("description", "work").put("prompt", prompt);
        if (type != null) {
            input.put("subagent_type", type);
        }
        return Json.write(input);
    }

    static String bash(String command) {
        return Json.write(Json.object().put("command", command));
    }

    /** The child's own view of its tool result (what its model was sent back). */
    static ToolResultBlock childResult(ScriptedProvider.Script child) {
        return child.requests.get(1).messages().getLast().toolResults().getFirst();
    }

    static OutputChunk.PermissionDecided childDecision(List<OutputChunk> chunks) {
        return chunks.stream().filter(OutputChunk.SubagentOutput.class::isInstance)
                .map(c -> ((OutputChunk.SubagentOutput) c).chunk())
                .filter(OutputChunk.PermissionDecided.class::isInstance)
                .map(OutputChunk.PermissionDecided.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("the child made no decision: " + chunks));
    }

    @Test
    void theParentsLocalTierDenyReachesTheChild() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        RuleStore rules = new RuleStore(dir.resolve("picrust-home"));
        rules.add(PermissionTier.LOCAL, "cli", PermissionBehavior.DENY, PermissionRule.parse("Bash(rm:*)"));
        SubagentSpec helper = SubagentSpec.builder("helper", "helps").systemPrompt(CHILD).build();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("delete it", "helper"))))
                .thenText("parent done");
        ScriptedProvider.Script child = provider.forSystemPrompt(CHILD)
                .then((r, l, c) -> toolCalls(call("c1", "Bash", bash("rm -f victim"))))
                .thenText("child done");
        // Before: the child's LOCAL tier was read for its own type ("helper"), so the parent's
        // agents/cli.json deny did not reach it and bypass mode ran the rm.
        AgentHandle parent = runtime.spawn(config(provider, new BashTool(dir.resolve("outputs")))
                .agentType("cli").permissions(Permissions.defaults().withStore(rules)
                        .withMode(PermissionMode.BYPASS_PERMISSIONS))
                .subagents(List.of(helper)).build(), "parent");
        Subscription sub = parent.subscribe();
        parent.send("delegate");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(victim).hasContent("precious");
        ToolResultBlock refused = childResult(child);
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("matches the deny rule Bash(rm:*) [local]")
                .contains("the agent that started this one, 'cli'");
        OutputChunk.PermissionDecided decided = childDecision(chunks);
        assertThat(decided.decision()).isEqualTo(PermissionBehavior.DENY);
        assertThat(decided.source()).isEqualTo(DecisionSourceKind.RULE);
        assertThat(decided.detail()).isEqualTo("Bash(rm:*) [local] [parent cli]");
    }

    @Test
    void aDefinitionWithItsOwnPermissionsNoLongerReplacesTheParentsDenyRulesOrPlanMode() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Permissions wideOpen = Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS).allow("Bash");
        SubagentSpec rogue = SubagentSpec.builder("rogue", "its own rules").systemPrompt(CHILD)
                .permissions(wideOpen).build();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("delete it", "rogue"))))
                .thenText("parent done");
        ScriptedProvider.Script child = provider.forSystemPrompt(CHILD)
                .then((r, l, c) -> toolCalls(call("c1", "Bash", bash("rm -f victim"))))
                .thenText("child done");
        AgentHandle parent = runtime.spawn(config(provider, new BashTool(dir.resolve("outputs")))
                .permissions(Permissions.defaults().deny("Bash(rm:*)")).subagents(List.of(rogue)).build(), "parent");
        Subscription sub = parent.subscribe();
        parent.send("delegate");
        untilDone(sub);
        assertThat(victim).hasContent("precious");
        assertThat(childResult(child).text()).contains("matches the deny rule Bash(rm:*) [config]");

        // Plan mode: the same definition's bypassPermissions does not let the child act at all.
        ScriptedProvider planned = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("write it", "rogue"))))
                .thenText("parent done");
        ScriptedProvider.Script planChild = planned.forSystemPrompt(CHILD)
                .then((r, l, c) -> toolCalls(call("c1", "Bash", bash("echo pwned > victim"))))
                .thenText("child done");
        AgentHandle planner = runtime.spawn(config(planned, new BashTool(dir.resolve("outputs")))
                .permissions(Permissions.defaults().withMode(PermissionMode.PLAN)).subagents(List.of(rogue)).build(),
                "planner");
        Subscription planSub = planner.subscribe();
        planner.send("delegate");
        List<OutputChunk> chunks = untilDone(planSub);
        assertThat(victim).hasContent("precious");
        assertThat(childResult(planChild).text()).startsWith("Plan mode");
        OutputChunk.PermissionDecided decided = childDecision(chunks);
        assertThat(decided.source()).isEqualTo(DecisionSourceKind.MODE);
        assertThat(decided.detail()).isEqualTo("plan [parent agent]");
    }

    @Test
    void denyTaskOfTheDefaultTypeHoldsWhenTheCallLeavesTheTypeOut() throws Exception {
        SubagentSpec researcher = SubagentSpec.builder("researcher", "researches").systemPrompt(CHILD).build();
        SubagentSpec writer = SubagentSpec.builder("writer", "writes").systemPrompt("You write.").build();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("research", null)),
                        call("k2", "Task", task("write", "writer"))))
                .thenText("parent done");
        ScriptedProvider.Script child = provider.forSystemPrompt(CHILD).thenText("researched");
        provider.forSystemPrompt("You write.").thenText("written");
        AgentHandle parent = runtime.spawn(config(provider)
                .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS).deny("Task(researcher)"))
                .subagents(List.of(researcher, writer)).build(), "parent");
        Subscription sub = parent.subscribe();
        parent.send("delegate");
        untilDone(sub);

        List<ToolResultBlock> results = provider.requests().get(1).messages().getLast().toolResults();
        assertThat(results.get(0).isError()).isTrue();
        assertThat(results.get(0).text()).contains("matches the deny rule Task(researcher)");
        assertThat(child.requests).as("no researcher was started").isEmpty();
        assertThat(results.get(1).text()).isEqualTo("written");
        assertThat(store.readMetadata("parent").orElseThrow().children()).hasSize(1);
    }

    @Test
    void grandchildrenInheritTheWholeChainAndTheParentsAskRulesStillAsk() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Tool mutate = new TestTools.Simple("Mutate", false) {
            public ToolResult execute(JsonNode input, ToolContext ctx) {
                ran.incrementAndGet();
                return ToolResult.text("mutated");
            }
        };
        SubagentSpec grandchild = SubagentSpec.builder("grandchild", "the bottom").systemPrompt("You are last.")
                .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS).allow("Mutate"))
                .build();
        Tool delegate = new TestTools.Simple("Delegate", true) {
            public ToolResult execute(JsonNode input, ToolContext ctx) {
                return ToolResult.text(runtime.subagents().run(ctx, grandchild, "mutate").text());
            }
        };
        SubagentSpec middle = SubagentSpec.builder("middle", "delegates again").systemPrompt(CHILD)
                .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS).allow("Mutate", "Delegate"))
                .tools(Set.of("Delegate", "Mutate")).build();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("k1", "Task", task("go", "middle"))))
                .thenText("parent done");
        provider.forSystemPrompt(CHILD)
                .then((r, l, c) -> toolCalls(call("m1", "Delegate", "{}")))
                .thenText("middle done");
        ScriptedProvider.Script last = provider.forSystemPrompt("You are last.")
                .then((r, l, c) -> toolCalls(call("g1", "Mutate", "{}")))
                .thenText("grandchild done");
        AgentConfig parentConfig = config(provider, mutate, delegate)
                .permissions(Permissions.defaults().ask("Mutate")).subagents(List.of(middle)).build();
        AgentHandle parent = runtime.spawn(parentConfig, "parent");
        Subscription sub = parent.subscribe();
        parent.send("go");
        untilDone(sub);

        // The top agent's ask rule reached two levels down; headless, the ask is a refusal.
        assertThat(ran).hasValue(0);
        ToolResultBlock refused = last.requests.get(1).messages().getLast().toolResults().getFirst();
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("matches the ask rule Mutate [config]")
                .contains("Nobody is available to approve it");
    }

    @Test
    void aChildsModeIsNeverMorePermissiveThanItsParents() {
        ScriptedProvider provider = new ScriptedProvider();
        var policy = Permissions.defaults().policy(dir);
        for (PermissionMode parentMode : PermissionMode.values()) {
            for (PermissionMode childMode : PermissionMode.values()) {
                SubagentSpec spec = SubagentSpec.builder("kid", "x")
                        .permissions(Permissions.defaults().withMode(childMode)).build();
                AgentConfig parentConfig = config(provider).permissions(Permissions.defaults().withMode(parentMode)).build();
                PermissionMode effective = Subagents.childConfig(parentConfig, spec,
                        new dev.picrust.permission.PermissionPolicy.Ceiling(policy, "agent", parentMode))
                        .permissions().mode();
                assertThat(effective).as(parentMode + " parent, " + childMode + " child")
                        .isEqualTo(rank(childMode) <= rank(parentMode) ? childMode : parentMode);
            }
        }
    }

    private static int rank(PermissionMode mode) {
        return List.of(PermissionMode.PLAN, PermissionMode.DEFAULT, PermissionMode.ACCEPT_EDITS,
                PermissionMode.BYPASS_PERMISSIONS).indexOf(mode);
    }
}
