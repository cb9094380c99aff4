package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.picrust.agent.context.ContextInjection;
import dev.picrust.event.DecisionSourceKind;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.event.StatusCode;
import dev.picrust.hook.FailurePolicy;
import dev.picrust.hook.HookDecision;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookOptions;
import dev.picrust.hook.HookRegistry;
import dev.picrust.hook.StopGuard;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.Usage;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.permission.PermissionMode;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.Subscription;
import dev.picrust.tool.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every hook event fires at its point in a real loop, with the data the docs promise, and its
 * decision has the documented effect on the session, the provider request and the output.
 */
class HookWiringTest extends LoopTestBase {
    final HookRegistry hooks = new HookRegistry();

    /** Records the inputs of one event's hooks. */
    <T extends HookInput> List<T> seen(HookEvent event, Class<T> type) {
        List<T> inputs = new CopyOnWriteArrayList<>();
        hooks.register(event, input -> {
            inputs.add(type.cast(input));
            return HookDecision.noOpinion();
        });
        return inputs;
    }

    AgentHandle spawn(QueueProvider provider, String id, RecordingTool... tools) {
        return runtime.spawn(config(provider, tools).hooks(hooks).build(), id);
    }

    // ---------------------------------------------------------------- UserPromptSubmit

    @Test
    void userPromptDenyBlocksThePromptAndAppendsNothing() throws Exception {
        hooks.register(HookEvent.USER_PROMPT_SUBMIT, input -> HookDecision.deny("no secrets in prompts"));
        QueueProvider provider = new QueueProvider();
        AgentHandle h = spawn(provider, "prompt-deny");
        Subscription sub = h.subscribe();
        h.send("my password is hunter2");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.BLOCKED);
        assertThat(first(chunks, OutputChunk.Error.class).message()).contains("no secrets in prompts");
        assertThat(provider.requests).isEmpty();
        assertThat(history("prompt-deny")).isEmpty();
        assertThat(rawHistory("prompt-deny")).doesNotContain("hunter2");
    }

    @Test
    void userPromptHookSeesThePromptAndMayReplaceItAndAddContext() throws Exception {
        List<HookInput.UserPromptSubmit> inputs = seen(HookEvent.USER_PROMPT_SUBMIT, HookInput.UserPromptSubmit.class);
        hooks.register(HookEvent.USER_PROMPT_SUBMIT, input -> HookDecision.modifyInput(new TextNode("rewritten prompt"))
                .and(HookDecision.addContext("the user prefers short answers")));
        QueueProvider provider = new QueueProvider().then(r -> text("ok"));
        AgentHandle h = spawn(provider, "prompt-edit");
        Subscription sub = h.subscribe();
        h.send("original prompt");
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.END_TURN);

        assertThat(inputs).extracting(HookInput.UserPromptSubmit::prompt).containsExactly("original prompt");
        Message stored = history("prompt-edit").getFirst();
        assertThat(stored.content()).containsExactly(new TextBlock("rewritten prompt"),
                new TextBlock(ContextInjection.reminder("the user prefers short answers")));
        assertThat(provider.requests.getFirst().messages().getFirst()).isEqualTo(stored);
        assertThat(rawHistory("prompt-edit")).doesNotContain("original prompt");
    }

    // ---------------------------------------------------------------- PreToolUse

    @Test
    void preToolUseDenyIsTheToolResultTheModelSeesAndTheToolDoesNotRun() throws Exception {
        hooks.register(HookEvent.PRE_TOOL_USE, "Mutate", input -> HookDecision.deny("Mutate is frozen today."),
                HookOptions.defaults().named("freeze"));
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{\"v\":1}")))
                .then(r -> text("understood"));
        AgentHandle h = runtime.spawn(config(provider, mutate).hooks(hooks)
                .permissions(Permissions.defaults().allow("Mutate")).build(), "pre-deny");
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(mutate.inputs).isEmpty();
        ToolResultBlock sent = provider.requests.get(1).messages().getLast().toolResults().getFirst();
        assertThat(sent.isError()).isTrue();
        assertThat(sent.text()).isEqualTo("Mutate is frozen today.");
        OutputChunk.PermissionDecided decision = first(chunks, OutputChunk.PermissionDecided.class);
        assertThat(decision).isEqualTo(new OutputChunk.PermissionDecided("t1", "Mutate", PermissionBehavior.DENY, DecisionSourceKind.HOOK, "freeze"));
        assertThat(records("pre-deny", "permission_decision")).singleElement().satisfies(r -> {
            assertThat(r.path("decision").asText()).isEqualTo("deny");
            assertThat(r.path("source").asText()).isEqualTo("hook");
        });
    }

    @Test
    void preToolUseModifiedInputIsWhatTheToolReceives() throws Exception {
        List<HookInput.PreToolUse> inputs = seen(HookEvent.PRE_TOOL_USE, HookInput.PreToolUse.class);
        hooks.register(HookEvent.PRE_TOOL_USE, "Echo",
                input -> HookDecision.modifyInput(Json.object().put("v", "safer")));
        RecordingTool echo = RecordingTool.echoing("Echo", true);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Echo", "{\"v\":\"risky\"}")))
                .then(r -> text("done"));
        AgentHandle h = spawn(provider, "pre-modify", echo);
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(inputs).singleElement().satisfies(i -> {
            assertThat(i.toolName()).isEqualTo("Echo");
            assertThat(i.toolUseId()).isEqualTo("t1");
            assertThat(i.toolInput()).isEqualTo(Json.object().put("v", "risky"));
        });
        assertThat(echo.inputs).containsExactly(Json.object().put("v", "safer"));
        assertThat(first(chunks, OutputChunk.ToolStart.class).input()).isEqualTo(Json.object().put("v", "safer"));
        assertThat(result("pre-modify", "t1").text()).isEqualTo("Echo:{\"v\":\"safer\"}");
    }

    @Test
    void preToolUseContextComesAfterTheToolResult() throws Exception {
        hooks.register(HookEvent.PRE_TOOL_USE, input -> HookDecision.addContext("remember the style guide"));
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Echo", "{}")))
                .then(r -> text("done"));
        AgentHandle h = spawn(provider, "pre-context", RecordingTool.echoing("Echo", true));
        Subscription sub = h.subscribe();
        h.send("go");
        untilDone(sub);

        ToolResultBlock sent = provider.requests.get(1).messages().getLast().toolResults().getFirst();
        assertThat(sent.content()).containsExactly(new TextBlock("Echo:{}"),
                new TextBlock(ContextInjection.reminder("remember the style guide")));
    }

    @Test
    void preToolUseAskSendsEvenAReadOnlyCallToTheHuman() throws Exception {
        hooks.register(HookEvent.PRE_TOOL_USE, input -> HookDecision.ask("a human should look at this"),
                HookOptions.defaults().named("reviewer"));
        RecordingTool echo = RecordingTool.echoing("Echo", true);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Echo", "{}")))
                .then(r -> text("done"));
        AgentHandle h = runtime.spawn(config(provider, echo).hooks(hooks).interactive(true).build(), "pre-ask");
        Subscription sub = h.subscribe();
        h.send("go");
        OutputChunk.PermissionRequest request = (OutputChunk.PermissionRequest)
                until(sub, OutputChunk.PermissionRequest.class::isInstance).getLast();
        assertThat(request.reason()).isEqualTo("a human should look at this");
        assertThat(echo.inputs).isEmpty();

        assertThat(h.answerPermission(request.requestId(), PermissionAnswer.allowOnce())).isTrue();
        List<OutputChunk> chunks = untilDone(sub);
        assertThat(echo.inputs).hasSize(1);
        assertThat(first(chunks, OutputChunk.PermissionDecided.class))
                .isEqualTo(new OutputChunk.PermissionDecided("t1", "Echo", PermissionBehavior.ALLOW, DecisionSourceKind.USER, "allow_once"));
    }

    // ---------------------------------------------------------------- after a tool

    @Test
    void eachCallFiresExactlyOneOfPostToolUsePostToolUseFailureAndToolError() throws Exception {
        List<HookInput.PostToolUse> ok = seen(HookEvent.POST_TOOL_USE, HookInput.PostToolUse.class);
        List<HookInput.PostToolUseFailure> failed = seen(HookEvent.POST_TOOL_USE_FAILURE, HookInput.PostToolUseFailure.class);
        List<HookInput.ToolError> errors = seen(HookEvent.TOOL_ERROR, HookInput.ToolError.class);
        hooks.register(HookEvent.POST_TOOL_USE_FAILURE, input -> HookDecision.addContext("try a smaller input"));
        RecordingTool good = RecordingTool.echoing("Good", true);
        RecordingTool bad = new RecordingTool("Bad", true, (input, ctx) -> ToolResult.error("bad input"));
        RecordingTool crash = new RecordingTool("Crash", true, (input, ctx) -> {
            throw new IllegalStateException("boom");
        });
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Good", "{\"n\":1}"), call("t2", "Bad", "{\"n\":2}"),
                        call("t3", "Crash", "{\"n\":3}")))
                .then(r -> text("done"));
        AgentHandle h = spawn(provider, "after-tool", good, bad, crash);
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.END_TURN);

        assertThat(ok).singleElement().satisfies(i -> {
            assertThat(i.toolName()).isEqualTo("Good");
            assertThat(i.toolUseId()).isEqualTo("t1");
            assertThat(i.toolInput()).isEqualTo(Json.object().put("n", 1));
            assertThat(i.result()).isEqualTo(ToolResult.text("Good:{\"n\":1}"));
            assertThat(i.duration().isNegative()).isFalse();
        });
        assertThat(failed).singleElement().satisfies(i -> {
            assertThat(i.toolUseId()).isEqualTo("t2");
            assertThat(i.result().isError()).isTrue();
            assertThat(i.result().text()).isEqualTo("bad input");
        });
        assertThat(errors).singleElement().satisfies(i -> {
            assertThat(i.toolUseId()).isEqualTo("t3");
            assertThat(i.kind()).isEqualTo(HookInput.ToolErrorKind.THREW);
            assertThat(i.error()).contains("IllegalStateException").contains("boom");
        });
        List<ToolResultBlock> sent = provider.requests.get(1).messages().getLast().toolResults();
        assertThat(sent.get(1).content()).containsExactly(new TextBlock("bad input"),
                new TextBlock(ContextInjection.reminder("try a smaller input")));
        assertThat(sent.get(0).content()).hasSize(1);
        assertThat(sent.get(2).isError()).isTrue();
    }

    @Test
    void aToolKilledByAnInterruptFiresToolErrorKilled() throws Exception {
        List<HookInput.ToolError> errors = seen(HookEvent.TOOL_ERROR, HookInput.ToolError.class);
        List<HookInput.PostToolUseFailure> failed = seen(HookEvent.POST_TOOL_USE_FAILURE, HookInput.PostToolUseFailure.class);
        CountDownLatch started = new CountDownLatch(1);
        RecordingTool block = new RecordingTool("Block", true, (input, ctx) -> {
            CompletableFuture<Void> cancelled = new CompletableFuture<>();
            var registration = ctx.cancellation().onCancel(() -> cancelled.complete(null));
            try {
                started.countDown();
                cancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                registration.close();
            }
            ctx.cancellation().throwIfCancelled();
            return ToolResult.text("never cancelled");
        });
        QueueProvider provider = new QueueProvider().then(r -> toolCalls(call("t1", "Block", "{}")));
        AgentHandle h = spawn(provider, "killed", block);
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        h.interrupt();
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.INTERRUPTED);

        assertThat(errors).singleElement().satisfies(i -> {
            assertThat(i.toolUseId()).isEqualTo("t1");
            assertThat(i.kind()).isEqualTo(HookInput.ToolErrorKind.KILLED);
            assertThat(i.error()).isEqualTo(ToolExecutor.INTERRUPTED);
        });
        assertThat(failed).isEmpty();
        assertThat(result("killed", "t1").text()).isEqualTo(ToolExecutor.INTERRUPTED);
    }

    // ---------------------------------------------------------------- LLM calls

    @Test
    void preLlmCallMayEditTheRequestAndTheProviderReceivesTheEdit() throws Exception {
        List<HookInput.PreLlmCall> inputs = seen(HookEvent.PRE_LLM_CALL, HookInput.PreLlmCall.class);
        hooks.register(HookEvent.PRE_LLM_CALL, input -> {
            var call = (HookInput.PreLlmCall) input;
            List<TextBlock> system = new ArrayList<>(call.request().system());
            system.add(new TextBlock("Answer in French."));
            return HookDecision.modifyRequest(call.request().withSystem(system));
        });
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Echo", "{}")))
                .then(r -> text("fini"));
        AgentHandle h = runtime.spawn(config(provider, RecordingTool.echoing("Echo", true)).hooks(hooks)
                .systemPrompt("Be brief.").build(), "pre-llm");
        Subscription sub = h.subscribe();
        h.send("go");
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.END_TURN);

        assertThat(inputs).extracting(HookInput.PreLlmCall::iteration).containsExactly(1, 2);
        assertThat(inputs.getFirst().request().messages()).containsExactly(Message.user("go"));
        assertThat(provider.requests).hasSize(2).allSatisfy(r -> assertThat(r.system())
                .containsExactly(new TextBlock("Be brief."), new TextBlock("Answer in French.")));
        assertThat(rawHistory("pre-llm")).doesNotContain("Answer in French.");
    }

    @Test
    void preLlmCallDenyEndsTheTurnWithoutCallingTheModel() throws Exception {
        hooks.register(HookEvent.PRE_LLM_CALL, input -> HookDecision.deny("budget exhausted"));
        QueueProvider provider = new QueueProvider();
        AgentHandle h = spawn(provider, "pre-llm-deny");
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.BLOCKED);
        assertThat(first(chunks, OutputChunk.Error.class).message()).contains("budget exhausted");
        assertThat(provider.requests).isEmpty();
        assertThat(history("pre-llm-deny")).containsExactly(Message.user("go"));
    }

    @Test
    void postLlmCallSeesTheResponseAndItsUsageAndPostAssistantResponseTheStoredMessage() throws Exception {
        List<HookInput.PostLlmCall> calls = seen(HookEvent.POST_LLM_CALL, HookInput.PostLlmCall.class);
        List<HookInput.PostAssistantResponse> replies =
                seen(HookEvent.POST_ASSISTANT_RESPONSE, HookInput.PostAssistantResponse.class);
        LlmResponse cached = new LlmResponse("msg_1", "m", List.of(new TextBlock("hello")), StopReason.END_TURN,
                new Usage(12, 3, 900, 40));
        QueueProvider provider = new QueueProvider().then(r -> cached);
        AgentHandle h = spawn(provider, "post-llm");
        Subscription sub = h.subscribe();
        h.send("hi");
        untilDone(sub);

        assertThat(calls).singleElement().satisfies(i -> {
            assertThat(i.iteration()).isEqualTo(1);
            assertThat(i.request()).isEqualTo(provider.requests.getFirst());
            assertThat(i.response()).isEqualTo(cached);
            assertThat(i.response().usage().cacheReadInputTokens()).isEqualTo(900);
            assertThat(i.response().usage().cacheCreationInputTokens()).isEqualTo(40);
            assertThat(i.duration().isNegative()).isFalse();
        });
        assertThat(replies).singleElement().satisfies(i -> {
            assertThat(i.message()).isEqualTo(Message.assistant("hello"));
            assertThat(i.stopReason()).isEqualTo(StopReason.END_TURN);
        });
        assertThat(history("post-llm").getLast()).isEqualTo(replies.getFirst().message());
    }

    // ---------------------------------------------------------------- Stop

    @Test
    void stopHookMayKeepTheAgentWorkingOnceThenTheTurnEnds() throws Exception {
        List<HookInput.Stop> stops = new CopyOnWriteArrayList<>();
        hooks.register(HookEvent.STOP, input -> {
            var stop = (HookInput.Stop) input;
            stops.add(stop);
            return stop.stopHookActive() ? HookDecision.noOpinion() : HookDecision.keepWorking("Now run the tests.");
        });
        QueueProvider provider = new QueueProvider().then(r -> text("edited")).then(r -> text("tests pass"));
        AgentHandle h = spawn(provider, "stop-once");
        Subscription sub = h.subscribe();
        h.send("fix it");
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.END_TURN);

        assertThat(stops).extracting(HookInput.Stop::lastAssistantText).containsExactly("edited", "tests pass");
        assertThat(stops).extracting(HookInput.Stop::stopHookActive).containsExactly(false, true);
        assertThat(stops).extracting(HookInput.Stop::stopReason).containsOnly(StopReason.END_TURN);
        assertThat(provider.requests.get(1).messages().getLast()).isEqualTo(Message.user("Now run the tests."));
        assertThat(history("stop-once")).extracting(Message::role)
                .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
    }

    @Test
    void theStopGuardEndsAnEndlessContinueLoopAtTheLimit() throws Exception {
        hooks.register(HookEvent.STOP, input -> HookDecision.keepWorking("keep going"));
        QueueProvider provider = new QueueProvider();
        for (int i = 0; i < 10; i++) {
            provider.then(r -> text("again"));
        }
        AgentHandle h = spawn(provider, "stop-loop");
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.END_TURN);
        assertThat(provider.requests).hasSize(1 + StopGuard.DEFAULT_MAX_CONSECUTIVE_CONTINUES);
        assertThat(statuses(chunks, StatusCode.STOP_HOOK_LIMIT)).hasSize(1);

        // A new prompt starts counting again.
        h.send("once more");
        untilDone(sub);
        assertThat(provider.requests).hasSize(2 * (1 + StopGuard.DEFAULT_MAX_CONSECUTIVE_CONTINUES));
    }

    // ---------------------------------------------------------------- session

    @Test
    void sessionStartSaysStartupThenResumeAndSessionEndFiresOnShutdown() throws Exception {
        List<HookInput.SessionStart> starts = seen(HookEvent.SESSION_START, HookInput.SessionStart.class);
        List<HookInput.SessionEnd> ends = seen(HookEvent.SESSION_END, HookInput.SessionEnd.class);
        List<String> resumedOnly = new CopyOnWriteArrayList<>();
        hooks.register(HookEvent.SESSION_START, "resume", input -> {
            resumedOnly.add(input.sessionId());
            return HookDecision.noOpinion();
        });
        QueueProvider provider = new QueueProvider().then(r -> text("first")).then(r -> text("second"));
        AgentHandle h = spawn(provider, "lifecycle");
        Subscription sub = h.subscribe();
        h.send("hi");
        untilDone(sub);
        assertThat(ends).isEmpty();
        h.shutdown();
        h.awaitTermination(WAIT);
        assertThat(ends).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(HookInput.SessionEndReason.SHUTDOWN);
            assertThat(e.sessionId()).isEqualTo("lifecycle");
        });

        AgentHandle resumed = runtime.resume(config(provider).hooks(hooks).build(), "lifecycle");
        Subscription sub2 = resumed.subscribe();
        resumed.send("again");
        untilDone(sub2);
        resumed.shutdown();
        resumed.awaitTermination(WAIT);

        assertThat(starts).extracting(HookInput.SessionStart::source)
                .containsExactly(HookInput.SessionStartSource.STARTUP, HookInput.SessionStartSource.RESUME);
        assertThat(starts).allSatisfy(s -> assertThat(s.context().workingDirectory()).isEqualTo(work));
        assertThat(resumedOnly).containsExactly("lifecycle");
        assertThat(ends).hasSize(2);
    }

    @Test
    void sessionStartContextReachesTheModelWithTheFirstPrompt() throws Exception {
        hooks.register(HookEvent.SESSION_START, input -> HookDecision.addContext("Project uses Java 21."));
        QueueProvider provider = new QueueProvider().then(r -> text("a")).then(r -> text("b"));
        AgentHandle h = spawn(provider, "start-context");
        Subscription sub = h.subscribe();
        h.send("first");
        untilDone(sub);
        h.send("second");
        untilDone(sub);

        List<ContentBlock> firstPrompt = provider.requests.get(0).messages().getFirst().content();
        assertThat(firstPrompt).containsExactly(new TextBlock("first"),
                new TextBlock(ContextInjection.reminder("Project uses Java 21.")));
        assertThat(provider.requests.get(1).messages().getLast()).isEqualTo(Message.user("second"));
    }

    // ---------------------------------------------------------------- failures

    @Test
    void aThrowingPreToolUseHookIsReportedAndFailsClosed() throws Exception {
        hooks.register(HookEvent.PRE_TOOL_USE, input -> {
            throw new IllegalStateException("policy server down");
        }, HookOptions.defaults().named("guard"));
        RecordingTool echo = RecordingTool.echoing("Echo", true);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Echo", "{}")))
                .then(r -> text("ok"));
        AgentHandle h = spawn(provider, "fail-closed", echo);
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(echo.inputs).as("a read-only tool is still not run").isEmpty();
        assertThat(statuses(chunks, StatusCode.HOOK_FAILED)).singleElement().satisfies(s -> assertThat(s.message())
                .contains("PreToolUse hook \"guard\" threw").contains("policy server down").contains("fail closed"));
        ToolResultBlock result = result("fail-closed", "t1");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("guard").contains("policy server down");
        assertThat(records("fail-closed", "hook_failure")).singleElement().satisfies(r -> {
            assertThat(r.path("hook").asText()).isEqualTo("guard");
            assertThat(r.path("event").asText()).isEqualTo("PreToolUse");
            assertThat(r.path("kind").asText()).isEqualTo("threw");
            assertThat(r.path("policy").asText()).isEqualTo("fail_closed");
        });
    }

    @Test
    void aThrowingObserverIsReportedAndFailsOpen() throws Exception {
        hooks.register(HookEvent.POST_TOOL_USE, input -> {
            throw new IllegalStateException("audit log full");
        }, HookOptions.defaults().named("audit"));
        RecordingTool echo = RecordingTool.echoing("Echo", true);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Echo", "{}")))
                .then(r -> text("ok"));
        AgentHandle h = spawn(provider, "fail-open", echo);
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.END_TURN);
        assertThat(echo.inputs).hasSize(1);
        assertThat(result("fail-open", "t1").isError()).isFalse();
        assertThat(statuses(chunks, StatusCode.HOOK_FAILED)).singleElement()
                .satisfies(s -> assertThat(s.message()).contains("audit").contains("fail open"));
        JsonNode record = records("fail-open", "hook_failure").getFirst();
        assertThat(record.path("policy").asText()).isEqualTo("fail_open");
        assertThat(record.path("event").asText()).isEqualTo("PostToolUse");
    }

    // ---------------------------------------------------------------- Stop decisions on other events

    @Test
    void aStopFromPreToolUseRunsNoFurtherCallAndEndsTheTurn() throws Exception {
        hooks.register(HookEvent.PRE_TOOL_USE, input -> HookDecision.stop("emergency brake"));
        RecordingTool mutate = RecordingTool.echoing("Mutate", false);
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Mutate", "{}"), call("t2", "Mutate", "{}")))
                .then(r -> text("never asked"));
        AgentHandle h = runtime.spawn(config(provider, mutate).hooks(hooks)
                .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS)).build(), "stop-pre");
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.STOPPED);
        assertThat(statuses(chunks, StatusCode.STOPPED)).singleElement()
                .satisfies(s -> assertThat(s.message()).isEqualTo("emergency brake"));
        assertThat(mutate.inputs).isEmpty();
        assertThat(provider.requests).hasSize(1);
        assertThat(result("stop-pre", "t1").text()).isEqualTo("Not run: a hook stopped the agent (emergency brake).");
        assertThat(result("stop-pre", "t2").isError()).isTrue();
        assertSendable(history("stop-pre"));
    }

    @Test
    void aStopFromPostLlmCallEndsTheTurnBeforeTheToolsRun() throws Exception {
        hooks.register(HookEvent.POST_LLM_CALL, input -> ((HookInput.PostLlmCall) input).response().toolUses().isEmpty()
                ? HookDecision.noOpinion() : HookDecision.stop("over budget"));
        RecordingTool echo = RecordingTool.echoing("Echo", true);
        QueueProvider provider = new QueueProvider().then(r -> toolCalls(call("t1", "Echo", "{}")));
        AgentHandle h = spawn(provider, "stop-post-llm", echo);
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.STOPPED);
        assertThat(echo.inputs).isEmpty();
        assertThat(result("stop-post-llm", "t1").text()).contains("over budget");
        assertSendable(history("stop-post-llm"));

        // The next prompt starts afresh.
        provider.then(r -> text("back"));
        h.send("again");
        assertThat(doneReason(untilDone(sub))).isEqualTo(EndReason.END_TURN);
    }

    @Test
    void aFailClosedObserverThatFailsStopsTheTurn() throws Exception {
        hooks.register(HookEvent.POST_LLM_CALL, input -> {
            throw new IllegalStateException("cost tracker down");
        }, HookOptions.defaults().named("cost").failurePolicy(FailurePolicy.FAIL_CLOSED));
        List<HookInput.Stop> stops = seen(HookEvent.STOP, HookInput.Stop.class);
        QueueProvider provider = new QueueProvider().then(r -> text("answer"));
        AgentHandle h = spawn(provider, "observer-closed");
        Subscription sub = h.subscribe();
        h.send("go");
        List<OutputChunk> chunks = untilDone(sub);

        assertThat(doneReason(chunks)).isEqualTo(EndReason.STOPPED);
        assertThat(statuses(chunks, StatusCode.HOOK_FAILED)).singleElement()
                .satisfies(s -> assertThat(s.message()).contains("cost tracker down").contains("agent stopped"));
        assertThat(stops).as("no Stop hooks for a turn a hook stopped").isEmpty();
        assertThat(history("observer-closed").getLast()).isEqualTo(Message.assistant("answer"));
    }
}
