package dev.picrust.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import dev.picrust.llm.StopReason;
import dev.picrust.permission.PermissionMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandHookTest {
    @TempDir
    Path dir;

    HookContext context() {
        return new HookContext("s1", "coder", dir, PermissionMode.DEFAULT);
    }

    HookInput.PreToolUse bash(String command) {
        return new HookInput.PreToolUse(context(), "Bash", Json.object().put("command", command), "toolu_9");
    }

    HookOutcome runPreToolUse(String script, String command) {
        HookRegistry registry = new HookRegistry();
        registry.register(HookEvent.PRE_TOOL_USE, "Bash", new CommandHook(script, Duration.ofSeconds(20)),
                HookOptions.defaults().named("cmd").timeout(Duration.ofSeconds(20)));
        return registry.run(bash(command));
    }

    @Test
    void receivesTheEventJsonOnStdinInTheWorkingDirectory() throws Exception {
        HookOutcome outcome = runPreToolUse("cat > in.json; pwd > cwd.txt; echo \"$PICRUST_HOOK_EVENT\" > event.txt",
                "git status");
        assertThat(outcome.runs()).hasSize(1);
        assertThat(outcome.failures()).isEmpty();
        JsonNode in = Json.parse(Files.readString(dir.resolve("in.json")));
        assertThat(in.path("hook_event_name").asText()).isEqualTo("PreToolUse");
        assertThat(in.path("session_id").asText()).isEqualTo("s1");
        assertThat(in.path("tool_name").asText()).isEqualTo("Bash");
        assertThat(in.path("tool_input").path("command").asText()).isEqualTo("git status");
        assertThat(in.path("tool_use_id").asText()).isEqualTo("toolu_9");
        assertThat(in.path("cwd").asText()).isEqualTo(dir.toString());
        assertThat(Path.of(Files.readString(dir.resolve("cwd.txt")).strip()).toRealPath()).isEqualTo(dir.toRealPath());
        assertThat(Files.readString(dir.resolve("event.txt")).strip()).isEqualTo("PreToolUse");
    }

    @Test
    void exitTwoBlocksWithStderrAsTheReason() {
        String script = "if grep -q 'rm -rf'; then echo 'rm -rf is not allowed here' >&2; exit 2; fi";
        HookOutcome blocked = runPreToolUse(script, "rm -rf /");
        assertThat(blocked.denied()).isTrue();
        assertThat(blocked.denyReason()).contains("rm -rf is not allowed here");
        assertThat(blocked.failures()).isEmpty();

        HookOutcome passed = runPreToolUse(script, "ls");
        assertThat(passed.denied()).isFalse();
        assertThat(passed.ruling()).isEmpty();
    }

    @Test
    void jsonPermissionDecisionUpdatedInputAndContext() {
        String script = "cat >/dev/null; echo '{\"hookSpecificOutput\":{\"permissionDecision\":\"allow\","
                + "\"permissionDecisionReason\":\"read-only git\",\"updatedInput\":{\"command\":\"git status --short\"},"
                + "\"additionalContext\":\"repo is clean\"}}'";
        HookOutcome outcome = runPreToolUse(script, "git status");
        assertThat(outcome.ruling().orElseThrow().behavior()).isEqualTo(PermissionBehavior.ALLOW);
        assertThat(outcome.ruling().orElseThrow().reason()).isEqualTo("read-only git");
        assertThat(outcome.updatedToolInput().orElseThrow().path("command").asText()).isEqualTo("git status --short");
        assertThat(outcome.additionalContext()).contains("repo is clean");
    }

    @Test
    void jsonDenyAskBlockAndContinueFalse() {
        assertThat(runPreToolUse("echo '{\"hookSpecificOutput\":{\"permissionDecision\":\"deny\","
                + "\"permissionDecisionReason\":\"not on main\"}}'", "git push").denyReason()).contains("not on main");
        assertThat(runPreToolUse("echo '{\"hookSpecificOutput\":{\"permissionDecision\":\"ask\"}}'", "x")
                .askRequested()).isTrue();
        assertThat(runPreToolUse("echo '{\"decision\":\"block\",\"reason\":\"blocked by policy\"}'", "x")
                .denyReason()).contains("blocked by policy");
        assertThat(runPreToolUse("echo '{\"decision\":\"approve\"}'", "x").ruling().orElseThrow().behavior())
                .isEqualTo(PermissionBehavior.ALLOW);
        HookOutcome stop = runPreToolUse("echo '{\"continue\":false,\"stopReason\":\"quota reached\"}'", "x");
        assertThat(stop.stopReason()).contains("quota reached");
    }

    @Test
    void otherExitStatusIsAFailureUnderThePolicy() {
        HookOutcome outcome = runPreToolUse("echo 'config missing' >&2; exit 1", "ls");
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(HookFailure.Kind.COMMAND_FAILED);
            assertThat(f.message()).isEqualTo("exit status 1: config missing");
        });
    }

    @Test
    void unreadableJsonIsAFailure() {
        HookOutcome outcome = runPreToolUse("echo '{not json'", "ls");
        assertThat(outcome.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(HookFailure.Kind.COMMAND_FAILED);
            assertThat(f.message()).startsWith("stdout is not valid JSON");
        });
        assertThat(runPreToolUse("echo '{\"decision\":\"maybe\"}'", "ls").failures()).hasSize(1);
    }

    @Test
    void plainStdoutIsContextForPromptsAndIgnoredByObservers() {
        HookRegistry registry = new HookRegistry();
        registry.register(HookEvent.USER_PROMPT_SUBMIT, new CommandHook("echo 'Today is release day.'", Duration.ofSeconds(20)));
        registry.register(HookEvent.STOP, new CommandHook("echo 'just chatter'", Duration.ofSeconds(20)));
        assertThat(registry.run(new HookInput.UserPromptSubmit(context(), "hi")).additionalContext())
                .contains("Today is release day.");
        HookOutcome stop = registry.run(new HookInput.Stop(context(), StopReason.END_TURN, "done", false));
        assertThat(stop.failures()).isEmpty();
        assertThat(stop.keepWorking()).isEmpty();
    }

    @Test
    void aLogLineBeforeTheJsonDenyBlocksTheCallAsAFailure() {
        HookOutcome outcome = runPreToolUse("echo 'checking command...'; "
                + "echo '{\"hookSpecificOutput\":{\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"no\"}}'",
                "rm -rf x");
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(HookFailure.Kind.COMMAND_FAILED);
            assertThat(f.message()).startsWith("stdout is not a JSON decision object");
        });
    }

    @Test
    void aJsonArrayBlocksTheCallAsAFailure() {
        HookOutcome outcome = runPreToolUse("echo '[{\"decision\":\"block\"}]'", "rm -rf x");
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.failures()).singleElement()
                .satisfies(f -> assertThat(f.message()).startsWith("stdout is not a JSON decision object"));
    }

    @Test
    void plainChatterFromAPreToolUseHookIsAFailureNotNoOpinion() {
        HookOutcome outcome = runPreToolUse("echo 'just chatter'", "ls");
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.failures()).hasSize(1);
    }

    @Test
    void aByteOrderMarkBeforeTheJsonIsTolerated() {
        HookOutcome outcome = runPreToolUse("printf '\\357\\273\\277{\"decision\":\"block\",\"reason\":\"bom deny\"}'",
                "rm -rf x");
        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.denyReason()).contains("bom deny");
    }

    @Test
    void exitTwoOnStopKeepsTheAgentWorking() {
        HookRegistry registry = new HookRegistry();
        registry.register(HookEvent.STOP, new CommandHook("echo 'run the tests first' >&2; exit 2", Duration.ofSeconds(20)));
        HookOutcome outcome = registry.run(new HookInput.Stop(context(), StopReason.END_TURN, "done", false));
        assertThat(outcome.keepWorking()).contains("run the tests first");
    }

    @Test
    void timeoutKillsTheWholeProcessTreeAndFailsClosed() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        String script = "sleep 300 & echo $! > child.pid; wait";
        HookRegistry registry = new HookRegistry();
        registry.register(HookEvent.PRE_TOOL_USE, "Bash", new CommandHook(script, Duration.ofSeconds(2)),
                HookOptions.defaults().named("hangs").timeout(Duration.ofSeconds(2)));
        HookOutcome outcome = registry.run(bash("ls"));

        assertThat(outcome.denied()).isTrue();
        assertThat(outcome.failures()).singleElement()
                .satisfies(f -> assertThat(f.kind()).isEqualTo(HookFailure.Kind.TIMED_OUT));
        long childPid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> child = ProcessHandle.of(childPid);
        if (child.isPresent()) {
            child.get().onExit().get(10, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void commandOwnTimeoutAlsoKillsWhenUsedWithoutARegistryTimeout() throws Exception {
        CommandHook hook = new CommandHook("sleep 300 & echo $! > child.pid; wait", Duration.ofMillis(1500));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hook.apply(bash("ls")))
                .isInstanceOfSatisfying(CommandHook.CommandHookException.class,
                        e -> assertThat(e.kind()).isEqualTo(HookFailure.Kind.TIMED_OUT));
        long childPid = Long.parseLong(Files.readString(dir.resolve("child.pid")).strip());
        Optional<ProcessHandle> child = ProcessHandle.of(childPid);
        if (child.isPresent()) {
            child.get().onExit().get(10, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void backgroundProcessLeftBehindDoesNotHoldTheHookOpen() throws Exception {
        HookOutcome outcome = runPreToolUse("(sleep 300 & echo $! > bg.pid) ; echo '{\"decision\":\"approve\"}'", "ls");
        assertThat(outcome.ruling().orElseThrow().behavior()).isEqualTo(PermissionBehavior.ALLOW);
        long pid = Long.parseLong(Files.readString(dir.resolve("bg.pid")).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
}
