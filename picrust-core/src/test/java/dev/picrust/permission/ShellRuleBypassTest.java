package dev.picrust.permission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bypass of Bash rules reported in issue 10, as written there, against the rules it was
 * reported under. Each attack is first run through real bash to show it does delete the victim
 * file, then shown to be denied or asked about, with the reason in the decision.
 */
class ShellRuleBypassTest {
    @TempDir
    Path wd;

    /** The first bullet: allowed by a narrow allow rule, yet ran rm (or wrote a file). */
    static final List<String> NARROW_ALLOW_ATTACKS = List.of(
            "echo a #'\nrm -f victim\n#'",
            "echo a <<EOF\necho '\nEOF\nrm -f victim\necho \\'",
            "echo $'\\'' ; rm -f victim ; echo \\'",
            "echo ${x='$(rm -f victim)'} ${x@P}",
            "echo ${x='a[$(rm -f victim)]'} $[x]",
            "echo ${x='a[$(rm -f victim)]'} ${y[x]}",
            "echo ${x='a[$(rm -f victim)]'} ${HOME:x}");

    /** The second bullet: ordinary spellings of rm under a broad allow and {@code Bash(rm:*)} deny. */
    static final List<String> DENY_SPELLINGS = List.of(
            "\\rm -f victim", "/bin/rm -f victim", "\"rm\" -f victim", "r''m -f victim", "env rm -f victim",
            "command rm -f victim", "exec rm -f victim", "nohup rm -f victim", "nice rm -f victim",
            "timeout 5 rm -f victim", "{rm,-f,victim}", "f() { rm -f victim; }; f",
            "case a in a) rm -f victim;; esac", "echo \"'\" $(rm -f victim) \"'\"",
            "echo $(echo $(echo $(echo $(echo $(rm -f victim)))))",
            // the other wrappers the issue names
            "builtin command rm -f victim", "time rm -f victim", "time -p rm -f victim", "stdbuf -o0 rm -f victim",
            "setsid -w rm -f victim", "echo victim | xargs rm -f", "sudo -n rm -f victim",
            "watch -n 1 'rm -f victim'", "coproc rm -f victim", "bash -c 'rm -f victim'", "eval 'rm -f victim'",
            "find . -name victim -exec rm -f {} ;", "$'\\x72m' -f victim", "r\\m -f victim", "./../../bin/rm -f victim");

    PermissionPolicy policy(List<String> allow, List<String> ask, List<String> deny) {
        return new PermissionPolicy(Optional.empty(), RuleSet.of(allow, ask, deny), wd.resolve("home"));
    }

    PermissionDecision decide(PermissionPolicy p, String command) {
        return decide(p, command, PermissionMode.DEFAULT);
    }

    PermissionDecision decide(PermissionPolicy p, String command, PermissionMode mode) {
        return p.decide(new PermissionQuery("Bash", Json.object().put("command", command), false, wd, "coder", mode));
    }

    /** Runs the attack in a fresh folder with a victim file; true if the victim is gone. */
    boolean deletesVictim(String command) throws Exception {
        Path dir = Files.createTempDirectory(wd, "run");
        Files.writeString(dir.resolve("victim"), "precious");
        Process bash = new ProcessBuilder("bash", "-c", command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return !Files.exists(dir.resolve("victim"));
    }

    @Test
    void attacksThatANarrowAllowRuleLetThroughAreAskedAboutWithTheReason() throws Exception {
        PermissionPolicy p = policy(List.of("Bash(echo:*)"), List.of(), List.of("Bash(rm:*)"));
        for (String attack : NARROW_ALLOW_ATTACKS) {
            assertThat(deletesVictim(attack)).as("real bash deletes the victim: %s", attack).isTrue();
            PermissionDecision d = decide(p, attack);
            assertThat(d.allowed()).as(attack).isFalse();
            assertThat(d.reason()).as(attack).containsAnyOf("rm -f victim", "arithmetic", "prompt string");
        }
        // the deny rule sees rm where the analyser can read it
        assertThat(decide(p, NARROW_ALLOW_ATTACKS.get(0))).isInstanceOf(PermissionDecision.Deny.class);
        assertThat(decide(p, NARROW_ALLOW_ATTACKS.get(0)).reason())
                .contains("runs `rm -f victim`, which matches the deny rule Bash(rm:*) [config]");
        // where it cannot, the decision says why, and headless it is refused with that reason
        PermissionDecision prompt = decide(p, NARROW_ALLOW_ATTACKS.get(3));
        assertThat(prompt).isInstanceOf(PermissionDecision.Ask.class);
        assertThat(prompt.reason()).contains("cannot prove").contains("${x@P}").contains("Bash(rm:*)");
        assertThat(((PermissionDecision.Ask) prompt).withoutAnswerer().reason()).contains("${x@P}");
    }

    @Test
    void theSameAttacksFailUnderOtherNarrowRulesAndWithoutADenyRule() {
        for (String rule : List.of("git status:*", "npm run *")) {
            String prefix = rule.equals("git status:*") ? "git status" : "npm run build";
            PermissionPolicy p = policy(List.of("Bash(" + rule + ")"), List.of(), List.of());
            for (String attack : NARROW_ALLOW_ATTACKS) {
                String variant = prefix + attack.substring("echo".length());
                PermissionDecision d = decide(p, variant);
                assertThat(d).as(variant).isInstanceOf(PermissionDecision.Ask.class);
                assertThat(d.reason()).as(variant).containsAnyOf("no rule allows `rm -f victim`", "cannot prove");
            }
        }
    }

    @Test
    void aRedirectionUnderAnEchoRuleNeedsTheWritePermission() throws Exception {
        Files.writeString(wd.resolve("victim"), "precious");
        PermissionPolicy p = policy(List.of("Bash(echo:*)"), List.of(), List.of("Bash(rm:*)"));
        PermissionDecision d = decide(p, "echo pwned > victim");
        assertThat(d).isInstanceOf(PermissionDecision.Ask.class);
        assertThat(d.reason()).contains("writes " + wd.resolve("victim") + " by redirection")
                .contains("no Write or Edit rule allows that file");
        for (String spelling : List.of("echo pwned >| victim", "echo pwned >> victim", "echo pwned &> victim",
                "echo pwned 1<> victim", "echo pwned >&victim", "{ echo pwned; } > victim", "echo pwned > $F",
                "cd / && echo pwned > tmp/x", "echo x > ~/victim")) {
            assertThat(decide(p, spelling).allowed()).as(spelling).isFalse();
        }
        assertThat(decide(p, "echo ok > /dev/null 2>&1").allowed()).isTrue();
        assertThat(decide(p, "echo ok 2>/dev/stderr >&2").allowed()).isTrue();
        assertThat(decide(p, "echo pwned > victim", PermissionMode.ACCEPT_EDITS).allowed()).isTrue();
        assertThat(decide(p, "echo pwned > /etc/victim", PermissionMode.ACCEPT_EDITS).allowed()).isFalse();
        PermissionPolicy withWrite = policy(List.of("Bash(echo:*)", "Write(out/**)"), List.of(), List.of());
        assertThat(decide(withWrite, "echo ok > out/log.txt").allowed()).isTrue();
        assertThat(decide(withWrite, "echo ok > victim").allowed()).isFalse();
        // deny rules on files hold under a broad Bash rule too
        PermissionPolicy broad = policy(List.of("Bash"), List.of(), List.of("Edit(~/.ssh/**)"));
        PermissionDecision keys = decide(broad, "echo key >> ~/.ssh/authorized_keys");
        assertThat(keys).isInstanceOf(PermissionDecision.Deny.class);
        assertThat(keys.reason()).contains("by redirection").contains("Edit(~/.ssh/**)");
        PermissionDecision unknown = decide(broad, "echo key >> \"$TARGET\"");
        assertThat(unknown).isInstanceOf(PermissionDecision.Ask.class);
        assertThat(unknown.reason()).contains("a file only known when it runs");
        assertThat(decide(broad, "echo ok > notes.txt").allowed()).isTrue();
    }

    @Test
    void denyRulesMatchEveryOrdinarySpellingOfTheCommand() {
        PermissionPolicy p = policy(List.of("Bash"), List.of(), List.of("Bash(rm:*)"));
        for (String spelling : DENY_SPELLINGS) {
            PermissionDecision d = decide(p, spelling);
            assertThat(d).as(spelling).isInstanceOf(PermissionDecision.Deny.class);
            assertThat(d.reason()).as(spelling).contains("matches the deny rule Bash(rm:*) [config]");
        }
        PermissionDecision indirect = decide(p, "X=rm; $X -f victim");
        assertThat(indirect).isInstanceOf(PermissionDecision.Ask.class);
        assertThat(indirect.reason()).contains("the command name $X is only known when the command runs")
                .contains("Bash(rm:*)");
        assertThat(decide(p, "ls -la; echo rm; git rm --cached x || true").allowed())
                .as("rm as an argument is not the rm command").isTrue();
    }

    @Test
    void theSpellingsRealBashRunsAsRm() throws Exception {
        for (String spelling : List.of("\\rm -f victim", "\"rm\" -f victim", "r''m -f victim", "env rm -f victim",
                "command rm -f victim", "{rm,-f,victim}", "f() { rm -f victim; }; f", "case a in a) rm -f victim;; esac",
                "echo \"'\" $(rm -f victim) \"'\"", "$'\\x72m' -f victim", "X=rm; $X -f victim")) {
            assertThat(deletesVictim(spelling)).as(spelling).isTrue();
        }
    }

    @Test
    void aWholeToolDenyCoversLinesThatRunNoCommand() {
        PermissionPolicy p = policy(List.of(), List.of(), List.of("Bash"));
        for (String line : List.of("> victim", "x=1", "", "# just a comment")) {
            assertThat(decide(p, line)).as(line).isInstanceOf(PermissionDecision.Deny.class);
        }
        PermissionPolicy narrow = policy(List.of("Bash(echo:*)", "Write(**)"), List.of(), List.of());
        PermissionDecision d = decide(narrow, "> victim");
        assertThat(d).isInstanceOf(PermissionDecision.Ask.class);
        assertThat(d.reason()).contains("runs no command a rule could match");
    }

    @Test
    void askRulesMatchQuotedAndWrappedCommands() {
        PermissionPolicy p = policy(List.of("Bash"), List.of("Bash(git push:*)"), List.of());
        for (String spelling : List.of("\"git\" push", "env git push", "g\\it push origin", "command git 'push'",
                "timeout 60 git push", "/usr/bin/git push")) {
            PermissionDecision d = decide(p, spelling);
            assertThat(d).as(spelling).isInstanceOf(PermissionDecision.Ask.class);
            assertThat(d.reason()).as(spelling).contains("matches the ask rule Bash(git push:*) [config]");
        }
        assertThat(decide(p, "git status").allowed()).isTrue();
    }

    @Test
    void aNarrowAllowNeverCoversWhatTheAnalyserCannotProve() {
        PermissionPolicy p = policy(List.of("Bash(echo:*)", "Bash(ls:*)", "Bash(bash:*)", "Bash(eval:*)",
                "Bash(source:*)", "Bash(env:*)"), List.of(), List.of());
        for (String line : List.of("eval \"$CMD\"", "source ./env.sh", ". ./env.sh", "bash -c \"$X\"", "bash x.sh",
                "echo x | bash", "$X ls", "alias ls='rm -rf ~'", "env -S 'rm x'", "echo $((x))", "ls ${!ref}",
                "PATH=/tmp/evil ls", "echo \"unterminated")) {
            PermissionDecision d = decide(p, line);
            assertThat(d).as(line).isInstanceOf(PermissionDecision.Ask.class);
            assertThat(d.reason()).as(line).contains("cannot prove what it runs");
        }
        // literal scripts are analysed, not trusted: each command inside needs its rule
        assertThat(decide(p, "bash -c 'echo hi; ls'").allowed()).isTrue();
        assertThat(decide(p, "bash -c 'echo hi; rm x'").allowed()).isFalse();
        assertThat(decide(p, "eval 'echo hi'").allowed()).isTrue();
        // a path-qualified command is not the one an allow rule names
        assertThat(decide(p, "./ls").allowed()).isFalse();
        // the exact line, as a human approved it, is allowed as written
        PermissionPolicy exact = policy(List.of("Bash(echo ${x@P})"), List.of(), List.of());
        assertThat(decide(exact, "echo ${x@P}").allowed()).isTrue();
    }
}
