package dev.picrust.hook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.permission.PermissionMode;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The "block rm -rf" hook exactly as docs/CONTROL.md shows it. */
class BlockRmRfExampleTest {
    static final Pattern RM_RF = Pattern.compile("\\brm\\s+(-\\w*[rR]\\w*f|-\\w*f\\w*[rR])");

    static HookRegistry documentedHooks() {
        HookRegistry hooks = new HookRegistry();
        hooks.register(HookEvent.PRE_TOOL_USE, "Bash", input -> {
            var call = (HookInput.PreToolUse) input;
            String command = call.toolInput().path("command").asText();
            if (RM_RF.matcher(command).find()) {
                return HookDecision.deny("rm -rf is blocked here; delete specific files instead.");
            }
            return HookDecision.noOpinion();
        });
        return hooks;
    }

    @Test
    void blocksRmRfAndNothingElse() {
        HookRegistry hooks = documentedHooks();
        HookContext ctx = new HookContext("s", "coder", Path.of("/tmp"), PermissionMode.DEFAULT);
        for (String cmd : new String[] {"rm -rf /", "cd x && rm -fr build", "rm -Rf a", "sudo rm -rvf ~"}) {
            HookOutcome outcome = hooks.run(new HookInput.PreToolUse(ctx, "Bash", Json.object().put("command", cmd), "t"));
            assertThat(outcome.denyReason()).as(cmd).contains("rm -rf is blocked here; delete specific files instead.");
        }
        for (String cmd : new String[] {"rm a.txt", "ls -rf", "echo firm -rf"}) {
            HookOutcome outcome = hooks.run(new HookInput.PreToolUse(ctx, "Bash", Json.object().put("command", cmd), "t"));
            assertThat(outcome.denied()).as(cmd).isFalse();
        }
        assertThat(hooks.run(new HookInput.PreToolUse(ctx, "NotBash", Json.object().put("command", "rm -rf /"), "t"))
                .denied()).isFalse();
    }
}
