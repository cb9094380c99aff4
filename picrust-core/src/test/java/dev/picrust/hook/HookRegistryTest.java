package dev.picrust.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.Cancellation;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.StopReason;
import dev.picrust.permission.PermissionMode;
import dev.picrust.tool.ToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HookRegistryTest {
    static final HookContext CTX = new HookContext("s1", "coder", Path.of("/tmp"), PermissionMode.DEFAULT);

    static HookInput.PreToolUse bash(String command) {
        ObjectNode input = Json.object().put("command", command);
        return new HookInput.PreToolUse(CTX, "Bash", input, "toolu_1");
    }

    static HookInput.PostToolUse postBash() {
        return new HookInput.PostToolUse(CTX, "Bash", Json.object(), "toolu_1", ToolResult.text("ok"), Duration.ZERO);
    }

    final HookRegistry registry = new HookRegistry();

    @Test
    void noHooksGiveAnEmptyOutcome() {
        HookOutcome outcome = registry.run(bash("ls"));
        assertThat(outcome.isEmpty()).isTrue();
        assertThat(outcome.denied()).isFalse();
        assertThat(outcome.ruling()).isEmpty();
    }

    @Test
    void denyCarriesItsReasonAndHookName() {
        registry.register(HookEvent.PRE_TOOL_USE, "Bash", in -> HookDecision.deny("no shell today"),
                HookOptions.defaults().named("guard"));
        HookOutcome outcome = registry.run(bash("ls"));
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.denyReason()).contains("no shell today");
        assertThat(outcome.ruling().orElseThrow().hooks()).isEqualTo("guard");
        assertThat(outcome.runs()).extracting(HookRun::hookName).containsExactly("guard");
    }

    @Test
    void allowAndAskAreVerdicts() {
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.allow("vetted"));
        HookOutcome allowed = registry.run(bash("ls"));
        assertThat(allowed.ruling().orElseThrow().behavior()).isEqualTo(PermissionBehavior.ALLOW);
        assertThat(allowed.denied()).isFalse();
        assertThat(allowed.askRequested()).isFalse();

        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.ask("check with a human"));
        HookOutcome asked = registry.run(bash("ls"));
        assertThat(asked.askRequested()).isTrue();
        assertThat(asked.ruling().orElseThrow().reason()).isEqualTo("check with a human");
    }

    @Test
    void denyBeatsAskBeatsAllowWhateverTheOrder() {
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.ask("ask"), HookOptions.defaults().named("a"));
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.deny("deny 1"), HookOptions.defaults().named("d1"));
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.allow("allow"), HookOptions.defaults().named("b"));
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.deny("deny 2"), HookOptions.defaults().named("d2"));
        HookOutcome outcome = registry.run(bash("ls"));
        assertThat(outcome.ruling().orElseThrow().behavior()).isEqualTo(PermissionBehavior.DENY);
        assertThat(outcome.ruling().orElseThrow().reason()).isEqualTo("deny 1\ndeny 2");
        assertThat(outcome.ruling().orElseThrow().hooks()).isEqualTo("d1, d2");
        assertThat(outcome.runs()).hasSize(4);

        HookRegistry askOverAllow = new HookRegistry();
        askOverAllow.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.allow("allow"));
        askOverAllow.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.ask("ask"));
        askOverAllow.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.allow("allow again"));
        assertThat(askOverAllow.run(bash("ls")).ruling().orElseThrow().behavior()).isEqualTo(PermissionBehavior.ASK);
    }

    @Test
    void modificationsChainInRegistrationOrder() {
        List<String> seen = new CopyOnWriteArrayList<>();
        registry.register(HookEvent.PRE_TOOL_USE, "Bash", in -> {
            seen.add(((HookInput.PreToolUse) in).toolInput().path("command").asText());
            return HookDecision.modifyInput(Json.object().put("command", "ls -a"));
        });
        registry.register(HookEvent.PRE_TOOL_USE, "Bash", in -> {
            String cmd = ((HookInput.PreToolUse) in).toolInput().path("command").asText();
            seen.add(cmd);
            return HookDecision.modifyInput(Json.object().put("command", cmd + " --color=never"));
        });
        HookInput.PreToolUse original = bash("ls");
        HookOutcome outcome = registry.run(original);
        assertThat(seen).containsExactly("ls", "ls -a");
        assertThat(outcome.updatedToolInput().orElseThrow().path("command").asText()).isEqualTo("ls -a --color=never");
        assertThat(original.toolInput().path("command").asText()).isEqualTo("ls");
    }

    @Test
    void oneHookCombinesAllowModifyAndContext() {
        registry.register(HookEvent.PRE_TOOL_USE, "Bash", in -> HookDecision.allow("safe")
                .and(HookDecision.modifyInput(Json.object().put("command", "ls -l")))
                .and(HookDecision.addContext("listing in long form")));
        HookOutcome outcome = registry.run(bash("ls"));
        assertThat(outcome.ruling().orElseThrow().behavior()).isEqualTo(PermissionBehavior.ALLOW);
        assertThat(outcome.updatedToolInput().orElseThrow().path("command").asText()).isEqualTo("ls -l");
        assertThat(outcome.additionalContext()).contains("listing in long form");
    }

    @Test
    void contextsConcatenateInOrder() {
        registry.register(HookEvent.USER_PROMPT_SUBMIT, in -> HookDecision.addContext("first"));
        registry.register(HookEvent.USER_PROMPT_SUBMIT, in -> HookDecision.noOpinion());
        registry.register(HookEvent.USER_PROMPT_SUBMIT, in -> HookDecision.addContext("second"));
        HookOutcome outcome = registry.run(new HookInput.UserPromptSubmit(CTX, "hi"));
        assertThat(outcome.contexts()).containsExactly("first", "second");
        assertThat(outcome.additionalContext()).contains("first\n\nsecond");
    }

    @Test
    void stopWinsAndKeepsTheFirstReason() {
        registry.register(HookEvent.POST_TOOL_USE, ".*", in -> HookDecision.stop("budget exhausted"));
        registry.register(HookEvent.POST_TOOL_USE, ".*", in -> HookDecision.addContext("note"));
        registry.register(HookEvent.POST_TOOL_USE, ".*", in -> HookDecision.stop("second stop"));
        HookOutcome outcome = registry.run(postBash());
        assertThat(outcome.stopRequested()).isTrue();
        assertThat(outcome.stopReason()).contains("budget exhausted");
        assertThat(outcome.contexts()).containsExactly("note");
    }

    @Test
    void promptCanBeReplacedAsTextOrObject() {
        registry.register(HookEvent.USER_PROMPT_SUBMIT, in -> HookDecision.modifyInput(Json.mapper().getNodeFactory()
                .textNode(((HookInput.UserPromptSubmit) in).prompt() + " please")));
        registry.register(HookEvent.USER_PROMPT_SUBMIT, in -> HookDecision.modifyInput(Json.object()
                .put("prompt", ((HookInput.UserPromptSubmit) in).prompt() + "!")));
        HookOutcome outcome = registry.run(new HookInput.UserPromptSubmit(CTX, "fix it"));
        assertThat(outcome.updatedPrompt()).contains("fix it please!");
        assertThat(outcome.updatedToolInput()).isEmpty();
    }

    @Test
    void userPromptDenyBlocksThePrompt() {
        registry.register(HookEvent.USER_PROMPT_SUBMIT, in -> HookDecision.deny("contains a secret"));
        HookOutcome outcome = registry.run(new HookInput.UserPromptSubmit(CTX, "my password is hunter2"));
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.denyReason()).contains("contains a secret");
    }

    @Test
    void requestCanBeReplacedBeforeAnLlmCall() {
        LlmRequest request = LlmRequest.of("model-a", List.of(Message.user("hi")), 100);
        registry.register(HookEvent.PRE_LLM_CALL, in -> HookDecision.modifyRequest(
                ((HookInput.PreLlmCall) in).request().withModel("model-b")));
        HookOutcome outcome = registry.run(new HookInput.PreLlmCall(CTX, request, 1));
        assertThat(outcome.updatedRequest().orElseThrow().model()).isEqualTo("model-b");
    }

    @Test
    void denyOnAnObserverEventBecomesContextForTheModel() {
        registry.register(HookEvent.POST_TOOL_USE, ".*", in -> HookDecision.deny("output looked wrong"));
        HookOutcome outcome = registry.run(postBash());
        assertThat(outcome.denied()).isFalse();
        assertThat(outcome.contexts()).containsExactly("output looked wrong");
    }

    @Test
    void denyOnStopMeansKeepWorking() {
        registry.register(HookEvent.STOP, in -> HookDecision.keepWorking("tests still fail; fix them"));
        HookOutcome outcome = registry.run(new HookInput.Stop(CTX, StopReason.END_TURN, "done", false));
        assertThat(outcome.keepWorking()).contains("tests still fail; fix them");
        assertThat(outcome.denied()).isFalse();
    }

    @Test
    void matcherIsAnchored() {
        List<String> ran = new CopyOnWriteArrayList<>();
        registry.register(HookEvent.PRE_TOOL_USE, "Bash", in -> {
            ran.add("Bash");
            return HookDecision.noOpinion();
        });
        registry.register(HookEvent.PRE_TOOL_USE, "Write|Edit", in -> {
            ran.add("Write|Edit");
            return HookDecision.noOpinion();
        });
        registry.register(HookEvent.PRE_TOOL_USE, "mcp__github__.*", in -> {
            ran.add("github");
            return HookDecision.noOpinion();
        });
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> {
            ran.add("all");
            return HookDecision.noOpinion();
        });
        registry.register(HookEvent.PRE_TOOL_USE, "*", in -> {
            ran.add("star");
            return HookDecision.noOpinion();
        });

        registry.run(new HookInput.PreToolUse(CTX, "MyBash", Json.object(), "t"));
        assertThat(ran).containsExactly("all", "star");
        ran.clear();
        registry.run(new HookInput.PreToolUse(CTX, "BashX", Json.object(), "t"));
        assertThat(ran).containsExactly("all", "star");
        ran.clear();
        registry.run(new HookInput.PreToolUse(CTX, "Bash", Json.object(), "t"));
        assertThat(ran).containsExactly("Bash", "all", "star");
        ran.clear();
        registry.run(new HookInput.PreToolUse(CTX, "Edit", Json.object(), "t"));
        assertThat(ran).containsExactly("Write|Edit", "all", "star");
        ran.clear();
        registry.run(new HookInput.PreToolUse(CTX, "mcp__github__create_issue", Json.object(), "t"));
        assertThat(ran).containsExactly("github", "all", "star");
    }

    @Test
    void eventsWithoutATargetRunEveryHookOfTheEvent() {
        List<String> ran = new CopyOnWriteArrayList<>();
        registry.register(HookEvent.USER_PROMPT_SUBMIT, "Bash", in -> {
            ran.add("prompt");
            return HookDecision.noOpinion();
        });
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> {
            ran.add("tool");
            return HookDecision.noOpinion();
        });
        registry.run(new HookInput.UserPromptSubmit(CTX, "hi"));
        assertThat(ran).containsExactly("prompt");
    }

    @Test
    void sessionStartMatchesOnItsSource() {
        List<String> ran = new CopyOnWriteArrayList<>();
        registry.register(HookEvent.SESSION_START, "resume", in -> {
            ran.add("after resume");
            return HookDecision.addContext("re-read NOTES.md");
        });
        assertThat(registry.run(new HookInput.SessionStart(CTX, HookInput.SessionStartSource.STARTUP)).isEmpty()).isTrue();
        HookOutcome outcome = registry.run(new HookInput.SessionStart(CTX, HookInput.SessionStartSource.RESUME));
        assertThat(ran).containsExactly("after resume");
        assertThat(outcome.additionalContext()).contains("re-read NOTES.md");
    }

    @Test
    void timedOutPreToolUseHookFailsClosedIsInterruptedAndReported() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        registry.register(HookEvent.PRE_TOOL_USE, "Bash", in -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return HookDecision.allow("never");
        }, HookOptions.defaults().named("slow").timeout(Duration.ofMillis(100)));
        HookOutcome outcome = registry.run(bash("ls"));
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.denyReason().orElseThrow()).contains("slow").contains("no answer after 100ms");
        assertThat(outcome.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(HookFailure.Kind.TIMED_OUT);
            assertThat(f.policy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
            assertThat(f.effect()).isEqualTo("tool call denied");
            assertThat(f.describe()).contains("PreToolUse hook \"slow\" timed out");
        });
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void throwingPreToolUseHookFailsClosedByDefault() {
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> {
            throw new IllegalStateException("policy server down");
        }, HookOptions.defaults().named("remote-policy"));
        HookOutcome outcome = registry.run(bash("ls"));
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(HookFailure.Kind.THREW);
            assertThat(f.message()).isEqualTo("IllegalStateException: policy server down");
        });
    }

    @Test
    void preToolUseHookMayBeMadeFailOpen() {
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> {
            throw new IllegalStateException("flaky");
        }, HookOptions.defaults().failurePolicy(FailurePolicy.FAIL_OPEN));
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.allow("fine"));
        HookOutcome outcome = registry.run(bash("ls"));
        assertThat(outcome.denied()).isFalse();
        assertThat(outcome.ruling().orElseThrow().behavior()).isEqualTo(PermissionBehavior.ALLOW);
        assertThat(outcome.failures()).singleElement().satisfies(f -> {
            assertThat(f.policy()).isEqualTo(FailurePolicy.FAIL_OPEN);
            assertThat(f.effect()).isEqualTo("ignored");
        });
    }

    @Test
    void observerHooksFailOpenByDefaultButStillReport() {
        registry.register(HookEvent.POST_TOOL_USE, ".*", in -> {
            throw new RuntimeException("audit log full");
        });
        HookOutcome outcome = registry.run(postBash());
        assertThat(outcome.stopRequested()).isFalse();
        assertThat(outcome.failures()).singleElement()
                .satisfies(f -> assertThat(f.policy()).isEqualTo(FailurePolicy.FAIL_OPEN));
        assertThat(outcome.isEmpty()).isFalse();
    }

    @Test
    void failClosedObserverStopsTheAgent() {
        registry.register(HookEvent.POST_TOOL_USE, ".*", in -> {
            throw new RuntimeException("audit log full");
        }, HookOptions.defaults().named("audit").failurePolicy(FailurePolicy.FAIL_CLOSED));
        HookOutcome outcome = registry.run(postBash());
        assertThat(outcome.stopRequested()).isTrue();
        assertThat(outcome.stopReason().orElseThrow()).contains("audit").contains("audit log full");
        assertThat(outcome.failures().getFirst().effect()).isEqualTo("agent stopped");
    }

    @Test
    void failingStopHookNeverKeepsTheAgentWorking() {
        registry.register(HookEvent.STOP, in -> {
            throw new RuntimeException("boom");
        }, HookOptions.defaults().failurePolicy(FailurePolicy.FAIL_CLOSED));
        HookOutcome outcome = registry.run(new HookInput.Stop(CTX, StopReason.END_TURN, "", false));
        assertThat(outcome.keepWorking()).isEmpty();
        assertThat(outcome.stopRequested()).isFalse();
        assertThat(outcome.failures()).hasSize(1);
    }

    @Test
    void failClosedGuardOtherThanPreToolUseBlocksItsAction() {
        registry.register(HookEvent.PRE_LLM_CALL, in -> {
            throw new RuntimeException("cost service down");
        }, HookOptions.defaults().failurePolicy(FailurePolicy.FAIL_CLOSED));
        HookOutcome outcome = registry.run(new HookInput.PreLlmCall(CTX,
                LlmRequest.of("m", List.of(Message.user("hi")), 10), 1));
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.failures().getFirst().effect()).isEqualTo("action blocked");
    }

    @Test
    void invalidDecisionsAreFailuresAndApplyNothing() {
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.addContext("half")
                .and(HookDecision.modifyRequest(LlmRequest.of("m", List.of(Message.user("x")), 1))),
                HookOptions.defaults().named("confused"));
        HookOutcome outcome = registry.run(bash("ls"));
        assertThat(outcome.contexts()).isEmpty();
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(HookFailure.Kind.INVALID_DECISION);
            assertThat(f.message()).contains("ModifyRequest only applies to PreLLMCall");
        });

        HookRegistry others = new HookRegistry();
        others.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.modifyInput(Json.array()));
        others.register(HookEvent.POST_TOOL_USE, ".*", in -> HookDecision.ask("?"));
        others.register(HookEvent.POST_TOOL_USE, ".*", in -> null);
        assertThat(others.run(bash("ls")).failures()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("must be a JSON object"));
        assertThat(others.run(postBash()).failures()).extracting(HookFailure::message)
                .containsExactly("Ask only applies to PreToolUse", "returned null (use HookDecision.noOpinion())");
    }

    @Test
    void cancellationInterruptsTheRunningHookAndSkipsTheRest() throws Exception {
        Cancellation cancellation = new Cancellation();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return HookDecision.noOpinion();
        });
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> {
            ran.add("second");
            return HookDecision.noOpinion();
        });
        Thread.ofVirtual().start(() -> {
            try {
                started.await();
                cancellation.cancel();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        HookOutcome outcome = registry.run(bash("ls"), cancellation);
        assertThat(outcome.cancelled()).isTrue();
        assertThat(ran).isEmpty();
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void unregisteredHooksNoLongerRun() {
        HookRegistration r = registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.deny("x"));
        assertThat(registry.hasHooksFor(HookEvent.PRE_TOOL_USE)).isTrue();
        assertThat(registry.unregister(r)).isTrue();
        assertThat(registry.run(bash("ls")).denied()).isFalse();
        assertThat(registry.hasHooksFor(HookEvent.PRE_TOOL_USE)).isFalse();
    }

    @Test
    void outcomeJsonSummarisesForTheSessionRecord() {
        registry.register(HookEvent.PRE_TOOL_USE, ".*", in -> HookDecision.deny("nope"), HookOptions.defaults().named("g"));
        ObjectNode json = registry.run(bash("ls")).toJson();
        assertThat(json.path("event").asText()).isEqualTo("PreToolUse");
        assertThat(json.path("decision").asText()).isEqualTo("deny");
        assertThat(json.path("reason").asText()).isEqualTo("nope");
        assertThat(json.path("hooks").asText()).isEqualTo("g");
        assertThat(json.path("ran").get(0).asText()).isEqualTo("g");
    }
}
