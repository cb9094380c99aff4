package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.event.AgentState;
import dev.picrust.event.DecisionSourceKind;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.permission.PendingRequests;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.permission.PermissionMode;
import dev.picrust.permission.PermissionRule;
import dev.picrust.permission.PermissionTier;
import dev.picrust.permission.RuleStore;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.builtin.BuiltinTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Permissions end to end through the handle: what the policy decides, how a human is asked and
 * answers, what is remembered where, and that every decision is both announced and recorded.
 */
class PermissionFlowTest extends LoopTestBase {

    /** Reads up to the permission request, checking the agent waits in WaitingForPermission meanwhile. */
    static OutputChunk.PermissionRequest awaitRequest(AgentHandle h, Subscription sub, String toolName)
            throws InterruptedException {
        List<OutputChunk> chunks = until(sub, OutputChunk.PermissionRequest.class::isInstance);
        OutputChunk.PermissionRequest request = (OutputChunk.PermissionRequest) chunks.getLast();
        assertThat(request.toolName()).isEqualTo(toolName);
        AgentState waiting = new AgentState.WaitingForPermission(request.requestId(), toolName);
        assertThat(chunks).contains(new OutputChunk.StateChange(waiting));
        assertThat(h.state()).isEqualTo(waiting);
        return request;
    }

    /** Every {@code permission_decision} chunk has the same {@code permission_decision} record in the session file. */
    void assertDecisionsRecorded(String sessionId, List<OutputChunk> chunks) throws Exception {
        List<OutputChunk.PermissionDecided> announced = all(chunks, OutputChunk.PermissionDecided.class);
        List<OutputChunk.PermissionDecided> recorded = new ArrayList<>();
        for (JsonNode r : records(sessionId, "permission_decision")) {
            assertThat(r.path("reason").asText()).isNotBlank();
            recorded.add(new OutputChunk.PermissionDecided(r.path("tool_use_id").asText(), r.path("tool_name").asText(),
                    PermissionBehavior.parse(r.path("decision").asText()).orElseThrow(),
                    DecisionSourceKind.fromWireName(r.path("source").asText()).orElseThrow(), r.path("detail").asText()));
        }
        assertThat(recorded).isNotEmpty().containsExactlyElementsOf(announced);
    }

    List<Pending> pending(String sessionId) {
        var state = store.read(sessionId).state();   // lock-free: the agent still holds the session
        return new PendingRequests(new dev.picrust.session.SessionState() {
            @Override
            public java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> snapshot() {
                return state;
            }

            @Override
            public java.util.Optional<com.fasterxml.jackson.databind.JsonNode> get(String key) {
                return java.util.Optional.ofNullable(state.get(key));
            }

            @Override
            public void put(String key, com.fasterxml.jackson.databind.JsonNode value) {
                throw new UnsupportedOperationException("read only");
            }

            @Override
            public void remove(String key) {
                throw new UnsupportedOperationException("read only");
            }
        }).all().stream().map(p -> new Pending(p.requestId(), p.toolUseId())).toList();
    }

    record Pending(String requestId, String toolUseId) {}

    @Test
    void allowAlwaysForTheSessionRunsTheToolAndTheNextCallWithoutAsking() throws Exception {
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{\"n\":1}")))
                .then(r -> toolCalls(call("t2", "Mutate", "{\"n\":2}")))
                .then(r -> text("both done"));
        AgentHandle h = runtime.spawn(config(provider, mutate).interactive(true).build(), "session-rule");
        Subscription sub = h.subscribe();
        h.send("mutate twice");

        OutputChunk.PermissionRequest request = awaitRequest(h, sub, "Mutate");
        assertThat(request.toolUseId()).isEqualTo("t1");
        assertThat(request.input()).isEqualTo(Json.object().put("n", 1));
        assertThat(request.reason()).contains("Mutate").contains("no rule allows it");
        assertThat(pending("session-rule")).containsExactly(new Pending(request.requestId(), "t1"));
        assertThat(mutate.inputs).isEmpty();

        assertThat(h.answerPermission(request.requestId(), PermissionAnswer.allowAlways(PermissionTier.SESSION))).isTrue();
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.END_TURN);
        assertThat(mutate.inputs).hasSize(2);
        assertThat(all(chunks, OutputChunk.PermissionRequest.class)).as("the second call was not asked").isEmpty();
        assertThat(all(chunks, OutputChunk.PermissionDecided.class)).containsExactly(
                new OutputChunk.PermissionDecided("t1", "Mutate", PermissionBehavior.ALLOW, DecisionSourceKind.USER, "allow_always:session"),
                new OutputChunk.PermissionDecided("t2", "Mutate", PermissionBehavior.ALLOW, DecisionSourceKind.RULE, "Mutate [session]"));
        assertDecisionsRecorded("session-rule", chunks);
        assertThat(pending("session-rule")).isEmpty();
        assertThat(h.answerPermission(request.requestId(), PermissionAnswer.allowOnce())).as("already answered").isFalse();
    }

    @Test
    void allowAlwaysForTheAgentTypeIsSavedAndANewAgentOfThatTypeIsNotAsked() throws Exception {
        Path home = dir.resolve("picrust-home");
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{}")))
                .then(r -> text("done"));
        AgentHandle h = runtime.spawn(config(provider, mutate).agentType("builder").interactive(true)
                .permissions(Permissions.defaults().withStore(new RuleStore(home))).build(), "local-1");
        Subscription sub = h.subscribe();
        h.send("go");
        OutputChunk.PermissionRequest request = awaitRequest(h, sub, "Mutate");
        h.answerPermission(request.requestId(), PermissionAnswer.allowAlways(PermissionTier.LOCAL));
        List<OutputChunk> chunks = untilDone(sub);
        assertThat(first(chunks, OutputChunk.PermissionDecided.class).detail()).isEqualTo("allow_always:local");
        assertDecisionsRecorded("local-1", chunks);
        runtime.close();

        // A fresh store reads the rule from disk.
        RuleStore fresh = new RuleStore(home);
        assertThat(fresh.load(PermissionTier.LOCAL, "builder").rules(PermissionBehavior.ALLOW))
                .containsExactly(PermissionRule.parse("Mutate"));
        assertThat(Files.readString(fresh.file(PermissionTier.LOCAL, "builder"))).contains("Mutate");

        // A new runtime, a new agent of the same type: allowed without asking.
        RecordingTool mutate2 = RecordingTool.echoing("Mutate", false);
        QueueProvider provider2 = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{}")))
                .then(r -> text("done again"));
        AgentRuntime second = new AgentRuntime(SessionStore.at(dir.resolve("sessions-2")));
        try {
            AgentHandle h2 = second.spawn(config(provider2, mutate2).agentType("builder").interactive(true)
                    .permissions(Permissions.defaults().withStore(fresh)).build(), "local-2");
            Subscription sub2 = h2.subscribe();
            h2.send("go");
            List<OutputChunk> chunks2 = untilDone(sub2);
            assertThat(all(chunks2, OutputChunk.PermissionRequest.class)).isEmpty();
            assertThat(mutate2.inputs).hasSize(1);
            assertThat(all(chunks2, OutputChunk.PermissionDecided.class)).containsExactly(
                    new OutputChunk.PermissionDecided("t1", "Mutate", PermissionBehavior.ALLOW, DecisionSourceKind.RULE, "Mutate [local]"));

            // The rule belongs to the agent type: another type is still not allowed.
            QueueProvider provider3 = new QueueProvider()
                    .then(r -> toolCalls(call("t1", "Mutate", "{}")))
                    .then(r -> text("refused"));
            AgentHandle other = second.spawn(config(provider3, RecordingTool.echoing("Mutate", false))
                    .agentType("reviewer").permissions(Permissions.defaults().withStore(fresh)).build(), "local-3");
            Subscription sub3 = other.subscribe();
            other.send("go");
            List<OutputChunk> chunks3 = untilDone(sub3);
            assertThat(first(chunks3, OutputChunk.PermissionDecided.class).decision()).isEqualTo(PermissionBehavior.DENY);
        } finally {
            second.close();
        }
    }

    @Test
    void aDeniedCallIsNotRunAndTheModelSeesTheDenial() throws Exception {
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{}")))
                .then(r -> text("ok, I won't"));
        AgentHandle h = runtime.spawn(config(provider, mutate).interactive(true).build(), "user-deny");
        Subscription sub = h.subscribe();
        h.send("go");
        OutputChunk.PermissionRequest request = awaitRequest(h, sub, "Mutate");
        h.answerPermission(request.requestId(), PermissionAnswer.deny("not on a Friday"));
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(mutate.inputs).isEmpty();
        ToolResultBlock sent = provider.requests.get(1).messages().getLast().toolResults().getFirst();
        assertThat(sent.isError()).isTrue();
        assertThat(sent.text()).isEqualTo("The user denied Mutate: not on a Friday");
        assertThat(all(chunks, OutputChunk.PermissionDecided.class)).containsExactly(
                new OutputChunk.PermissionDecided("t1", "Mutate", PermissionBehavior.DENY, DecisionSourceKind.USER, "deny"));
        assertDecisionsRecorded("user-deny", chunks);
        assertThat(pending("user-deny")).isEmpty();
    }

    @Test
    void headlessAgentsAreDeniedClearlyWithoutWaiting() throws Exception {
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{}")))
                .then(r -> text("I could not"));
        AgentHandle h = runtime.spawn(config(provider, mutate).interactive(false).build(), "headless");
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.END_TURN);
        assertThat(mutate.inputs).isEmpty();
        assertThat(all(chunks, OutputChunk.PermissionRequest.class)).isEmpty();
        assertThat(chunks).noneMatch(c -> c instanceof OutputChunk.StateChange s
                && s.state() instanceof AgentState.WaitingForPermission);
        assertThat(result("headless", "t1").text()).contains("Nobody is available to approve it")
                .contains("picrust permissions add");
        assertThat(all(chunks, OutputChunk.PermissionDecided.class)).containsExactly(
                new OutputChunk.PermissionDecided("t1", "Mutate", PermissionBehavior.DENY, DecisionSourceKind.NO_ANSWERER, "nobody can answer"));
        assertDecisionsRecorded("headless", chunks);
    }

    @Test
    void anUnansweredRequestIsDeniedWhenItsTimeoutPasses() throws Exception {
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{}")))
                .then(r -> text("nobody answered"));
        AgentHandle h = runtime.spawn(config(provider, mutate).interactive(true)
                .permissions(Permissions.defaults().withApprovalTimeout(Duration.ofMillis(300))).build(), "timeout");
        Subscription sub = h.subscribe();
        h.send("go");
        // Not awaitRequest: the agent may already have stopped waiting when we look at its state.
        OutputChunk.PermissionRequest request = (OutputChunk.PermissionRequest)
                until(sub, OutputChunk.PermissionRequest.class::isInstance).getLast();
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(mutate.inputs).isEmpty();
        assertThat(result("timeout", "t1").text()).contains("Nobody answered the permission request for Mutate");
        assertThat(all(chunks, OutputChunk.PermissionDecided.class)).containsExactly(
                new OutputChunk.PermissionDecided("t1", "Mutate", PermissionBehavior.DENY, DecisionSourceKind.TIMEOUT, "request timed out"));
        assertDecisionsRecorded("timeout", chunks);
        assertThat(pending("timeout")).isEmpty();
        assertThat(h.answerPermission(request.requestId(), PermissionAnswer.allowOnce())).isFalse();
    }

    @Test
    void planModeDeniesWrite() throws Exception {
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Write", "{\"file_path\":\"plan.txt\",\"content\":\"x\"}")))
                .then(r -> text("here is my plan"));
        AgentHandle h = runtime.spawn(config(provider).tools(new ToolRegistry().register(BuiltinTools.all().stream().filter(t -> t.name().equals("Write")).findFirst().orElseThrow()))
                .interactive(true).permissions(Permissions.defaults().withMode(PermissionMode.PLAN)).build(), "plan");
        Subscription sub = h.subscribe();
        h.send("plan it");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(work.resolve("plan.txt")).doesNotExist();
        assertThat(all(chunks, OutputChunk.PermissionRequest.class)).as("plan mode denies, it does not ask").isEmpty();
        assertThat(result("plan", "t1").text()).startsWith("Plan mode");
        assertThat(all(chunks, OutputChunk.PermissionDecided.class)).containsExactly(
                new OutputChunk.PermissionDecided("t1", "Write", PermissionBehavior.DENY, DecisionSourceKind.MODE, "plan"));
        assertDecisionsRecorded("plan", chunks);
    }

    @Test
    void acceptEditsAllowsWritesInsideTheWorkingDirectoryOnly() throws Exception {
        Path outside = dir.resolve("outside.txt");
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Write", "{\"file_path\":\"inside.txt\",\"content\":\"in\"}"),
                        call("t2", "Write", Json.object().put("file_path", outside.toString()).put("content", "out").toString())))
                .then(r -> text("wrote one"));
        AgentHandle h = runtime.spawn(config(provider).tools(new ToolRegistry().register(BuiltinTools.all().stream().filter(t -> t.name().equals("Write")).findFirst().orElseThrow()))
                .permissions(Permissions.defaults().withMode(PermissionMode.ACCEPT_EDITS)).build(), "accept-edits");
        Subscription sub = h.subscribe();
        h.send("write");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(Files.readString(work.resolve("inside.txt"))).isEqualTo("in");
        assertThat(outside).doesNotExist();
        assertThat(all(chunks, OutputChunk.PermissionDecided.class))
                .extracting(OutputChunk.PermissionDecided::toolUseId, OutputChunk.PermissionDecided::decision,
                        OutputChunk.PermissionDecided::source, OutputChunk.PermissionDecided::detail)
                .containsExactly(tuple("t1", PermissionBehavior.ALLOW, DecisionSourceKind.MODE, "acceptEdits"),
                        tuple("t2", PermissionBehavior.DENY, DecisionSourceKind.NO_ANSWERER, "nobody can answer"));
        assertDecisionsRecorded("accept-edits", chunks);
    }

    @Test
    void bypassPermissionsAllowsEverythingButADenyRuleStillWins() throws Exception {
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        RecordingTool delete = RecordingTool.echoing("Delete", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{}"), call("t2", "Delete", "{}")))
                .then(r -> text("done"));
        AgentHandle h = runtime.spawn(config(provider, mutate, delete)
                .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS).deny("Delete")).build(),
                "bypass");
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(mutate.inputs).hasSize(1);
        assertThat(delete.inputs).isEmpty();
        assertThat(result("bypass", "t2").text()).contains("matches the deny rule Delete [config]");
        assertThat(all(chunks, OutputChunk.PermissionDecided.class)).containsExactly(
                new OutputChunk.PermissionDecided("t1", "Mutate", PermissionBehavior.ALLOW, DecisionSourceKind.MODE, "bypassPermissions"),
                new OutputChunk.PermissionDecided("t2", "Delete", PermissionBehavior.DENY, DecisionSourceKind.RULE, "Delete [config]"));
        assertDecisionsRecorded("bypass", chunks);
    }

    @Test
    void interruptWhileWaitingForPermissionAnswersTheCallAndLeavesNothingPending() throws Exception {
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{}")))
                .then(r -> text("fresh start"));
        AgentHandle h = runtime.spawn(config(provider, mutate).interactive(true).build(), "interrupt-wait");
        Subscription sub = h.subscribe();
        h.send("go");
        OutputChunk.PermissionRequest request = awaitRequest(h, sub, "Mutate");
        h.interrupt();
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.INTERRUPTED);
        untilIdle(sub);

        assertThat(h.state()).isEqualTo(AgentState.IDLE);
        assertThat(mutate.inputs).isEmpty();
        ToolResultBlock result = result("interrupt-wait", "t1");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).isEqualTo(ToolExecutor.NOT_STARTED);
        assertSendable(history("interrupt-wait"));
        assertThat(pending("interrupt-wait")).isEmpty();
        assertThat(h.answerPermission(request.requestId(), PermissionAnswer.allowOnce())).isFalse();

        h.send("next");
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.END_TURN);
        assertSendable(history("interrupt-wait"));
    }

    @Test
    void interruptWhileAQuestionWaitsLeavesNothingPending() throws Exception {
        String questions = "{\"questions\":[{\"question\":\"Which colour?\",\"header\":\"Colour\",\"multiSelect\":false,"
                + "\"options\":[{\"label\":\"Red\",\"description\":\"warm\"},{\"label\":\"Blue\",\"description\":\"cool\"}]}]}";
        QueueProvider provider = new QueueProvider().then(r -> toolCalls(call("t1", "AskUserQuestion", questions)));
        AgentHandle h = runtime.spawn(config(provider).tools(new ToolRegistry()
                .register(BuiltinTools.all().stream().filter(t -> t.name().equals("AskUserQuestion")).findFirst().orElseThrow())).interactive(true).build(), "question-wait");
        Subscription sub = h.subscribe();
        h.send("ask me");
        until(sub, OutputChunk.Question.class::isInstance);
        assertThat(pending("question-wait")).hasSize(1);
        h.interrupt();
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.INTERRUPTED);

        assertThat(pending("question-wait")).isEmpty();
        assertSendable(history("question-wait"));
    }

    @Test
    void inputSentWhileWaitingForApprovalIsDeliveredOnceInOrderAfterTheAnswer() throws Exception {
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{}")))
                .then(r -> text("saw it"));
        AgentHandle h = runtime.spawn(config(provider, mutate).interactive(true).build(), "mid-approval");
        Subscription sub = h.subscribe();
        h.send("start");
        OutputChunk.PermissionRequest request = awaitRequest(h, sub, "Mutate");
        h.send("first note");
        h.send("second note");
        assertThat(h.answerPermission(request.requestId(), PermissionAnswer.allowOnce())).isTrue();
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.END_TURN);

        List<dev.picrust.llm.ContentBlock> sent = provider.requests.get(1).messages().getLast().content();
        assertThat(sent).hasSize(3);
        assertThat(((dev.picrust.llm.ToolResultBlock) sent.get(0)).toolUseId()).isEqualTo("t1");
        assertThat(sent.subList(1, 3)).containsExactly(new dev.picrust.llm.TextBlock("first note"),
                new dev.picrust.llm.TextBlock("second note"));
        assertThat(provider.requests).hasSize(2);  // delivered as steering, not again as later turns
        assertThat(mutate.inputs).hasSize(1);
    }
}
