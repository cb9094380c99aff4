package dev.picrust.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.json.Json;
import dev.picrust.permission.PermissionMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookSettingsTest {
    @TempDir
    Path dir;

    @Test
    void loadsCommandHooksFromSeveralFilesInOrder() throws Exception {
        Path user = dir.resolve("user.json");
        Path project = dir.resolve("project.json");
        Files.writeString(user, """
                {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
                    {"type": "command", "command": "echo user", "timeout": 30, "onFailure": "continue"}]}]}}
                """);
        Files.writeString(project, """
                {"permissions": {"allow": ["Read"]},
                 "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "echo project"}]}],
                           "PostToolUse": [{"matcher": "*", "hooks": [{"command": "echo audit", "timeout": 0.5,
                                                                      "onFailure": "block"}]}]}}
                """);
        HookSettings settings = HookSettings.load(user, dir.resolve("missing.json"), project);
        assertThat(settings.entries()).hasSize(3);
        HookSettings.Entry first = settings.entries().getFirst();
        assertThat(first.event()).isEqualTo(HookEvent.PRE_TOOL_USE);
        assertThat(first.matcher()).isEqualTo("Bash");
        assertThat(first.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(first.failurePolicy()).contains(FailurePolicy.FAIL_OPEN);
        assertThat(first.source()).isEqualTo(user);
        assertThat(settings.entries().get(1).event()).isEqualTo(HookEvent.STOP);
        assertThat(settings.entries().get(1).timeout()).isEqualTo(HookRegistry.DEFAULT_TIMEOUT);
        assertThat(settings.entries().get(1).failurePolicy()).isEmpty();
        assertThat(settings.entries().get(2).timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.entries().get(2).failurePolicy()).contains(FailurePolicy.FAIL_CLOSED);

        HookRegistry registry = new HookRegistry();
        settings.registerInto(registry);
        assertThat(registry.registrations()).extracting(HookRegistration::name)
                .containsExactly("command: echo user", "command: echo project", "command: echo audit");
        assertThat(registry.registrations().get(1).failurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
        assertThat(registry.registrations().get(2).failurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
        assertThat(registry.registrations().get(2).timeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void registeredSettingsHooksRunEndToEnd() throws Exception {
        Path file = dir.resolve("settings.json");
        Files.writeString(file, """
                {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command",
                  "command": "grep -q 'rm -rf' && { echo 'no rm -rf' >&2; exit 2; }; exit 0"}]}]}}
                """);
        HookRegistry registry = new HookRegistry();
        HookSettings.load(file).registerInto(registry);
        HookContext ctx = new HookContext("s", "t", dir, PermissionMode.DEFAULT);
        HookOutcome blocked = registry.run(new HookInput.PreToolUse(ctx, "Bash",
                Json.object().put("command", "rm -rf build"), "t1"));
        assertThat(blocked.denyReason()).contains("no rm -rf");
        HookOutcome other = registry.run(new HookInput.PreToolUse(ctx, "MyBash",
                Json.object().put("command", "rm -rf build"), "t2"));
        assertThat(other.runs()).isEmpty();
    }

    @Test
    void commandsSeeTheEnvironmentTheyAreRegisteredWith() throws Exception {
        Path file = dir.resolve("settings.json");
        Files.writeString(file, """
                {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command",
                  "command": "[ \\"$PICRUST_TEST_STAGE\\" = prod ] && { echo \\"stage $PICRUST_TEST_STAGE\\" >&2; exit 2; }; exit 0"}]}]}}
                """);
        HookContext ctx = new HookContext("s", "t", dir, PermissionMode.DEFAULT);
        HookInput call = new HookInput.PreToolUse(ctx, "Bash", Json.object().put("command", "deploy"), "t1");

        HookRegistry withEnv = new HookRegistry();
        HookSettings.load(file).registerInto(withEnv, java.util.Map.of("PICRUST_TEST_STAGE", "prod"));
        assertThat(withEnv.run(call).denyReason()).contains("stage prod");

        HookRegistry without = new HookRegistry();
        HookSettings.load(file).registerInto(without);
        assertThat(without.run(call).denyReason()).isEmpty();
    }

    @Test
    void mistakesAreErrorsNamingTheFile() throws Exception {
        assertError("{\"hooks\": {\"PreToolUs\": []}}", "unknown hook event \"PreToolUs\"");
        assertError("{\"hooks\": {\"PreToolUse\": [{\"matcher\": \"(\", \"hooks\": []}]}}", "bad matcher");
        assertError("{\"hooks\": {\"Stop\": [{\"hooks\": [{\"type\": \"http\", \"url\": \"x\"}]}]}}", "not supported");
        assertError("{\"hooks\": {\"Stop\": [{\"hooks\": [{\"type\": \"command\"}]}]}}", "without a \"command\"");
        assertError("{\"hooks\": {\"Stop\": [{\"hooks\": [{\"command\": \"x\", \"onFailure\": \"maybe\"}]}]}}",
                "onFailure");
        assertError("{\"hooks\": {\"Stop\": [{\"hooks\": [{\"command\": \"x\", \"timeout\": -1}]}]}}", "positive");
        assertError("{\"hooks\": ", "not valid JSON");
    }

    @Test
    void noHooksKeyMeansNoHooks() throws Exception {
        Path file = dir.resolve("s.json");
        Files.writeString(file, "{\"permissions\": {}}");
        assertThat(HookSettings.load(file).entries()).isEmpty();
    }

    private void assertError(String json, String message) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, json);
        assertThatThrownBy(() -> HookSettings.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(message);
    }
}
