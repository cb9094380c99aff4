package dev.picrust.permission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only agent rules file exactly as docs/CONTROL.md shows it. */
class ReadOnlyAgentRulesExampleTest {
    static final String REVIEWER_JSON = """
            {
              "allow": ["Bash(git status)", "Bash(git log:*)", "Bash(git diff:*)", "Bash(git show:*)",
                        "Bash(ls:*)", "Bash(cat:*)", "Bash(wc:*)"],
              "ask":   [],
              "deny":  ["Edit", "NotebookEdit", "Bash(rm:*)", "Bash(git push:*)", "Bash(git commit:*)",
                        "WebFetch", "mcp__github__create_*", "Read(~/.ssh/**)", "Read(*.env)"]
            }
            """;

    @TempDir
    Path root;

    @Test
    void theReviewerCanLookButNotTouch() throws Exception {
        Path home = Files.createDirectories(root.resolve("picrust"));
        Path project = Files.createDirectories(root.resolve("project"));
        Files.createDirectories(home.resolve("permissions/agents"));
        Files.writeString(home.resolve("permissions/agents/reviewer.json"), REVIEWER_JSON);
        PermissionPolicy policy = new PermissionPolicy(Optional.of(new RuleStore(home)), RuleSet.EMPTY,
                root.resolve("user-home"));

        assertThat(decide(policy, project, "Read", Json.object().put("file_path", "src/A.java"), true))
                .isInstanceOf(PermissionDecision.Allow.class);
        assertThat(decide(policy, project, "Grep", Json.object().put("pattern", "TODO"), true))
                .isInstanceOf(PermissionDecision.Allow.class);
        assertThat(decide(policy, project, "Bash", Json.object().put("command", "git log -5 | cat"), false))
                .isInstanceOf(PermissionDecision.Allow.class);
        assertThat(decide(policy, project, "Read", Json.object().put("file_path", "config/.env"), true))
                .isInstanceOf(PermissionDecision.Deny.class);
        assertThat(decide(policy, project, "Write", Json.object().put("file_path", "x.txt"), false))
                .isInstanceOf(PermissionDecision.Deny.class);
        assertThat(decide(policy, project, "Bash", Json.object().put("command", "git diff && git push"), false))
                .isInstanceOf(PermissionDecision.Deny.class);
        assertThat(decide(policy, project, "mcp__github__create_issue", Json.object(), false))
                .isInstanceOf(PermissionDecision.Deny.class);
        PermissionDecision build = decide(policy, project, "Bash", Json.object().put("command", "make"), false);
        assertThat(build).isInstanceOf(PermissionDecision.Ask.class);
        assertThat(((PermissionDecision.Ask) build).withoutAnswerer()).isInstanceOf(PermissionDecision.Deny.class);
    }

    private static PermissionDecision decide(PermissionPolicy policy, Path wd, String tool, JsonNode input,
                                             boolean readOnly) {
        return policy.decide(new PermissionQuery(tool, input, readOnly, wd, "reviewer", PermissionMode.DEFAULT));
    }
}
