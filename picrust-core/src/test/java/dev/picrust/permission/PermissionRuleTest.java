package dev.picrust.permission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PermissionRuleTest {

    @Test
    void parsesEveryForm() {
        assertThat(PermissionRule.parse("Bash")).isEqualTo(new PermissionRule("Bash", Optional.empty()));
        assertThat(PermissionRule.parse("Bash()").isWholeTool()).isTrue();
        assertThat(PermissionRule.parse("Bash(*)").isWholeTool()).isTrue();
        assertThat(PermissionRule.parse(" Bash( git:* ) ").specifier()).contains("git:*");
        assertThat(PermissionRule.parse("Bash(echo (hi))").specifier()).contains("echo (hi)");
        assertThat(PermissionRule.parse("mcp__github__*").tool()).isEqualTo("mcp__github__*");
        assertThat(PermissionRule.parse("Read(~/.ssh/**)").toString()).isEqualTo("Read(~/.ssh/**)");
        assertThat(PermissionRule.parse("Bash(npm run *)").toString()).isEqualTo("Bash(npm run *)");
    }

    @Test
    void rejectsMalformedRules() {
        assertThatThrownBy(() -> PermissionRule.parse("Bash(git")).hasMessageContaining("must end with ')'");
        assertThatThrownBy(() -> PermissionRule.parse("Bash)")).hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> PermissionRule.parse("")).hasMessageContaining("invalid tool name");
        assertThatThrownBy(() -> PermissionRule.parse("Ba sh")).hasMessageContaining("invalid tool name");
    }

    @Test
    void toolNamesMatchExactlyOrByMcpServerOrFamily() {
        assertThat(PermissionRule.parse("Bash").coversTool("Bash")).isTrue();
        assertThat(PermissionRule.parse("Bash").coversTool("MyBash")).isFalse();
        assertThat(PermissionRule.parse("Bash").coversTool("bash")).isFalse();

        PermissionRule server = PermissionRule.parse("mcp__github");
        PermissionRule star = PermissionRule.parse("mcp__github__*");
        PermissionRule one = PermissionRule.parse("mcp__github__create_issue");
        for (PermissionRule r : List.of(server, star)) {
            assertThat(r.coversTool("mcp__github__create_issue")).isTrue();
            assertThat(r.coversTool("mcp__github__list")).isTrue();
            assertThat(r.coversTool("mcp__githubx__list")).isFalse();
            assertThat(r.coversTool("mcp__gitlab__list")).isFalse();
        }
        assertThat(one.coversTool("mcp__github__create_issue")).isTrue();
        assertThat(one.coversTool("mcp__github__create_issues")).isFalse();
        PermissionRule prefix = PermissionRule.parse("mcp__github__create_*");
        assertThat(prefix.coversTool("mcp__github__create_issue")).isTrue();
        assertThat(prefix.coversTool("mcp__github__list_issues")).isFalse();

        assertThat(PermissionRule.parse("Read").coversTool("Grep")).isTrue();
        assertThat(PermissionRule.parse("Read").coversTool("Glob")).isTrue();
        assertThat(PermissionRule.parse("Edit").coversTool("Write")).isTrue();
        assertThat(PermissionRule.parse("Edit").coversTool("MultiEdit")).isTrue();
        assertThat(PermissionRule.parse("Write").coversTool("Edit")).isFalse();
        assertThat(PermissionRule.parse("Read").coversTool("Edit")).isFalse();
    }

    @Test
    void bashSpecifierForms() {
        assertThat(command("git status", "git status")).isTrue();
        assertThat(command("git status", "git  status ")).isTrue();
        assertThat(command("git status", "git status -s")).isFalse();
        assertThat(command("git:*", "git")).isTrue();
        assertThat(command("git:*", "git status")).isTrue();
        assertThat(command("git:*", "gitk")).isFalse();
        assertThat(command("git commit:*", "git commit -m x")).isTrue();
        assertThat(command("git commit:*", "git commits")).isFalse();
        assertThat(command("npm run *", "npm run build")).isTrue();
        assertThat(command("npm run *", "npm run")).isTrue();
        assertThat(command("npm run *", "npm install")).isFalse();
        assertThat(command("npm run *", "npm runner")).isFalse();
        assertThat(command("git * main", "git push origin main")).isTrue();
        assertThat(command("git * main", "git push origin dev")).isFalse();
        assertThat(command("git commit -m \"fix it\"", "git commit -m 'fix it'")).isTrue();
        assertThat(command("git commit -m \"fix it\"", "git commit -m fix it")).isFalse();
    }

    @Test
    void denyRulesCompareProgramNamesAllowRulesTheCommandAsWritten() {
        assertThat(command("rm:*", "/bin/rm -f x", PermissionBehavior.DENY)).isTrue();
        assertThat(command("/bin/rm:*", "rm -f x", PermissionBehavior.DENY)).isTrue();
        assertThat(command("rm:*", "./rm x", PermissionBehavior.DENY)).isTrue();
        assertThat(command("ls:*", "./ls", PermissionBehavior.ALLOW)).isFalse();
        assertThat(command("ls:*", "/tmp/ls", PermissionBehavior.ALLOW)).isFalse();
        assertThat(command("/bin/ls:*", "/bin/ls -l", PermissionBehavior.ALLOW)).isTrue();
        assertThat(command("git:*", "GIT_SSH_COMMAND=x git fetch", PermissionBehavior.ALLOW)).isFalse();
        assertThat(command("git:*", "GIT_SSH_COMMAND=x git fetch", PermissionBehavior.DENY)).isTrue();
        assertThat(command("rm -rf *", "\\rm -rf /", PermissionBehavior.DENY)).isTrue();
    }

    private static boolean command(String spec, String text) {
        return command(spec, text, PermissionBehavior.ALLOW);
    }

    private static boolean command(String spec, String text, PermissionBehavior behavior) {
        ShellInvocation invocation = ShellAnalysis.of(text).commands().getFirst();
        return PermissionRule.of("Bash", spec).matches(new ToolTarget.Command(invocation),
                behavior, Path.of("/w"), Path.of("/home/u"));
    }

    @Test
    void pathSpecifierForms() {
        Path wd = Path.of("/w/project");
        Path home = Path.of("/home/u");
        assertThat(path("src/**", "/w/project/src/a/B.java", wd, home)).isTrue();
        assertThat(path("src/**", "/w/project/src", wd, home)).isTrue();
        assertThat(path("src/**", "/w/project/srcs/x", wd, home)).isFalse();
        assertThat(path("src/**", "/w/other/src/x", wd, home)).isFalse();
        assertThat(path("./src/*.java", "/w/project/src/A.java", wd, home)).isTrue();
        assertThat(path("./src/*.java", "/w/project/src/sub/A.java", wd, home)).isFalse();
        assertThat(path("src/**/*.java", "/w/project/src/A.java", wd, home)).isTrue();
        assertThat(path("src/**/*.java", "/w/project/src/a/b/A.java", wd, home)).isTrue();
        assertThat(path("*.env", "/w/project/.env", wd, home)).isTrue();
        assertThat(path("*.env", "/w/project/config/prod.env", wd, home)).isTrue();
        assertThat(path("*.env", "/elsewhere/prod.env", wd, home)).isFalse();
        assertThat(path("secrets", "/w/project/a/secrets/key.pem", wd, home)).isTrue();
        assertThat(path("/etc/**", "/etc/passwd", wd, home)).isTrue();
        assertThat(path("//etc/**", "/etc/ssl/cert.pem", wd, home)).isTrue();
        assertThat(path("/etc/**", "/w/project/etc/x", wd, home)).isFalse();
        assertThat(path("~/.ssh/**", "/home/u/.ssh/id_rsa", wd, home)).isTrue();
        assertThat(path("~/.ssh/**", "/home/v/.ssh/id_rsa", wd, home)).isFalse();
        assertThat(path("../shared/**", "/w/shared/lib.txt", wd, home)).isTrue();
        assertThat(path("data/file?.csv", "/w/project/data/file1.csv", wd, home)).isTrue();
        assertThat(path("data/file[0-9].csv", "/w/project/data/file7.csv", wd, home)).isTrue();
        assertThat(path("data/file[0-9].csv", "/w/project/data/filex.csv", wd, home)).isFalse();
        assertThat(path("**", "/w/project/any/thing", wd, home)).isTrue();
        assertThat(path(".", "/w/project/any/thing", wd, home)).isTrue();
        assertThat(path("a+b(1)/x", "/w/project/a+b(1)/x", wd, home)).isTrue();
    }

    private static boolean path(String spec, String file, Path wd, Path home) {
        return PermissionRule.of("Read", spec).matches(new ToolTarget.FilePath(Path.of(file)),
                PermissionBehavior.DENY, wd, home);
    }

    @Test
    void webFetchDomainsAndGenericInputs() {
        PermissionRule domain = PermissionRule.parse("WebFetch(domain:example.com)");
        assertThat(domain.matches(new ToolTarget.Url("docs.example.com", "https://docs.example.com/x"),
                PermissionBehavior.ALLOW, Path.of("/"), Path.of("/"))).isTrue();
        assertThat(domain.matches(new ToolTarget.Url("example.com.evil.org", "https://example.com.evil.org"),
                PermissionBehavior.ALLOW, Path.of("/"), Path.of("/"))).isFalse();
        PermissionRule task = PermissionRule.parse("Task(research*)");
        assertThat(task.matches(new ToolTarget.Input(Json.object().put("subagent_type", "researcher")),
                PermissionBehavior.ALLOW, Path.of("/"), Path.of("/"))).isTrue();
        assertThat(task.matches(new ToolTarget.Input(Json.object().put("subagent_type", "coder")),
                PermissionBehavior.ALLOW, Path.of("/"), Path.of("/"))).isFalse();
    }

    @Test
    void widerSuggestionsMatchCallsLikeThisOne() {
        Path wd = Path.of("/w/project");
        assertThat(PermissionRule.suggestWider("Bash", Json.object().put("command", "git status -s && npm run build"), wd))
                .extracting(PermissionRule::toString).containsExactly("Bash(git status:*)", "Bash(npm run:*)");
        assertThat(PermissionRule.suggestWider("Bash", Json.object().put("command", "ls -la /tmp"), wd))
                .extracting(PermissionRule::toString).containsExactly("Bash(ls:*)");
        assertThat(PermissionRule.suggestWider("Bash", Json.object().put("command", "echo $(date)"), wd))
                .extracting(PermissionRule::toString).containsExactly("Bash(date:*)", "Bash(echo:*)");
        assertThat(PermissionRule.suggestWider("Bash", Json.object().put("command", "echo ${x@P} > out"), wd))
                .extracting(PermissionRule::toString).containsExactly("Bash(echo ${x@P} > out)");
        assertThat(PermissionRule.suggestWider("Bash", Json.object().put("command", "timeout 5 make > build.log"), wd))
                .extracting(PermissionRule::toString).containsExactly("Bash(timeout:*)", "Bash(make:*)",
                        "Write(" + wd.resolve("build.log") + ")");
        assertThat(PermissionRule.suggestWider("Edit", Json.object().put("file_path", "src/main/A.java"), wd))
                .extracting(PermissionRule::toString).containsExactly("Edit(src/main/**)");
        assertThat(PermissionRule.suggestWider("Write", Json.object().put("file_path", "/opt/x/y.txt"), wd))
                .extracting(PermissionRule::toString).containsExactly("Write(/opt/x/**)");
        assertThat(PermissionRule.suggestWider("WebFetch", Json.object().put("url", "https://api.github.com/x"), wd))
                .extracting(PermissionRule::toString).containsExactly("WebFetch(domain:api.github.com)");
        assertThat(PermissionRule.suggestWider("mcp__db__query", Json.object().put("sql", "select 1"), wd))
                .extracting(PermissionRule::toString).containsExactly("mcp__db__query");
    }

    @Test
    void theDefaultSuggestionIsExactlyThisCall() {
        Path wd = Path.of("/w/project");
        assertThat(PermissionRule.suggest("Bash", Json.object().put("command", " rm -rf build "), wd))
                .extracting(PermissionRule::toString).containsExactly("Bash(rm -rf build)");
        assertThat(PermissionRule.suggest("Write", Json.object().put("file_path", "out.txt"), wd))
                .extracting(PermissionRule::toString).containsExactly("Write(/w/project/out.txt)");
        assertThat(PermissionRule.suggest("Edit", Json.object().put("file_path", "src/../src/[a]*.java"), wd))
                .extracting(PermissionRule::toString).containsExactly("Edit(/w/project/src/?a]?.java)");
        assertThat(PermissionRule.suggest("WebFetch", Json.object().put("url", "https://api.github.com/x"), wd))
                .extracting(PermissionRule::toString).containsExactly("WebFetch(domain:api.github.com)");
    }
}
