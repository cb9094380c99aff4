package dev.picrust.permission;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShellAnalysisTest {

    static List<String> commands(String line) {
        return ShellAnalysis.of(line).commands().stream().map(ShellInvocation::text).toList();
    }

    static List<String> names(String line) {
        return ShellAnalysis.of(line).commands().stream().map(c -> c.name().orElse("?")).toList();
    }

    static void assertUnderstood(String line) {
        assertThat(ShellAnalysis.of(line).doubts()).as(line).isEmpty();
    }

    static void assertDoubt(String line, String reasonFragment) {
        assertThat(ShellAnalysis.of(line).doubts()).as(line).anySatisfy(d -> assertThat(d).contains(reasonFragment));
    }

    @Test
    void listsPipelinesAndOperators() {
        assertThat(commands("a && b; c | d || e\nf & g |& h")).containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
        assertUnderstood("a && b; c | d || e\nf & g |& h");
    }

    @Test
    void removesQuotesAndEscapesFromWords() {
        assertThat(commands("echo \"a  b\" 'c;d' e\\;f $'g\\x41' $\"h\"")).containsExactly("echo a  b c;d e;f gA h");
        assertThat(names("\\rm x; \"rm\" x; r''m x; /bin/rm x; $'\\x72m' x; r\\m x")).containsOnly("rm");
    }

    @Test
    void commentsStartOnlyAtAWordBoundary() {
        assertThat(commands("echo a #'\nrm -f victim\n#'")).containsExactly("echo a", "rm -f victim");
        assertThat(commands("echo a#b # c")).containsExactly("echo a#b");
    }

    @Test
    void hereDocumentBodiesAreNotCommandsButTheirSubstitutionsAre() {
        assertThat(commands("cat <<EOF\n'\nrm x\nEOF\nls")).containsExactly("cat", "ls");
        assertThat(commands("cat <<'EOF'\n$(rm x)\nEOF")).containsExactly("cat");
        assertThat(commands("cat <<EOF\n$(rm x) `id`\nEOF")).containsExactly("cat", "rm x", "id");
        assertThat(commands("cat <<-\"E\"\n\t$(rm x)\n\tE\nls")).containsExactly("cat", "ls");
        assertThat(commands("echo a <<EOF\necho '\nEOF\nrm -f victim\necho \\'")).containsExactly(
                "echo a", "rm -f victim", "echo '");
        assertThat(commands("cat <<A <<B\na\nA\nb\nB\nls")).containsExactly("cat", "ls");
        assertDoubt("cat <<E\na\\\nE\nrm x\nE", "line continuation");
        assertDoubt("cat <<E\nno end", "not terminated");
        // bash 5.2 runs "ls; break" after a here-document in $(...) as "ls break"
        assertDoubt("x=$(cat <<EOF\na\nEOF\nwhile ls; do ls; break; done)", "re-reads");
    }

    @Test
    void ansiCQuotingIsDecoded() {
        assertThat(commands("echo $'\\'' ; rm -f victim ; echo \\'")).containsExactly("echo '", "rm -f victim", "echo '");
    }

    @Test
    void substitutionsAreAnalysedAtAnyDepth() {
        assertThat(names("echo \"'\" $(rm x) \"'\"")).containsExactly("rm", "echo");
        assertThat(names("echo $(echo $(echo $(echo $(echo $(rm -rf x)))))")).contains("rm");
        assertThat(names("echo `echo \\`rm x\\``")).contains("rm");
        assertThat(names("diff <(ls a) >(rm b)")).containsExactly("ls", "rm", "diff");
        assertThat(names("x=$(rm y) ls")).containsExactly("rm", "ls");
        assertThat(names("echo ${x:-$(rm y)}")).containsExactly("rm", "echo");
        assertThat(names("echo '$(rm y)'")).containsExactly("echo");
        assertThat(names("echo $(( 1 + 2 )) $(case x in x) rm y;; esac)")).containsExactly("rm", "echo");
    }

    @Test
    void compoundCommandsFunctionsAndCase() {
        assertThat(names("if a; then b; elif c; then d; else e; fi")).containsExactly("a", "b", "c", "d", "e");
        assertThat(names("while a; do b; done; until c; do d; done")).containsExactly("a", "b", "c", "d");
        assertThat(names("for f in *.txt; do rm \"$f\"; done; select x in a b; do c; done")).containsExactly("rm", "c");
        assertThat(names("for ((i=0;i<3;i++)); do a; done")).containsExactly("a");
        assertThat(names("{ a; b; } > /dev/null; (c; d) 2>&1")).containsExactly("a", "b", "c", "d");
        assertThat(names("f() { rm x; }; function g { h; }; function k() (m)")).containsExactly("rm", "h", "m");
        assertThat(names("case $x in a|b) rm x;; (c) ls;& *) pwd;;& esac")).containsExactly("rm", "ls", "pwd");
        assertThat(names("[[ -f x && $(rm y) == z ]] && ls")).containsExactly("rm", "ls");
        assertThat(names("coproc rm x; coproc NAME { ls; }; time -p a | b; ! c")).containsExactly("rm", "ls", "a", "b", "c");
        assertUnderstood("coproc rm x; coproc NAME { ls; }; time -p a | b; ! c");
    }

    @Test
    void wrappersAreSeenThrough() {
        assertThat(names("env -i A=1 rm x")).containsExactly("env", "rm");
        assertThat(names("command -p rm; builtin echo; exec -a n rm; nohup rm; nice -n 5 rm; nice -5 rm"))
                .containsExactly("command", "rm", "builtin", "echo", "exec", "rm", "nohup", "rm", "nice", "rm", "nice", "rm");
        assertThat(names("timeout -s KILL 5 rm; stdbuf -o0 rm; setsid -w rm; sudo -u root rm; watch -n 1 rm x"))
                .containsExactly("timeout", "rm", "stdbuf", "rm", "setsid", "rm", "sudo", "rm", "watch", "rm");
        assertThat(names("ls | xargs -0 -n 1 rm -f")).containsExactly("ls", "xargs", "rm");
        assertThat(names("find . -name x -exec rm {} \\;")).containsExactly("find", "rm");
        assertThat(names("bash -c 'rm x'; sh -ec \"ls\"; eval 'rm y'")).containsExactly("bash", "rm", "sh", "ls", "eval", "rm");
        assertThat(names("trap 'rm x' EXIT")).containsExactly("trap", "rm");
    }

    @Test
    void braceExpansionMakesWords() {
        assertThat(commands("{rm,-f,x}")).containsExactly("rm -f x");
        assertThat(commands("r{m,} a{1..3}")).containsExactly("rm r a1 a2 a3");
        assertThat(commands("echo {} {a} '{b,c}'")).containsExactly("echo {} {a} {b,c}");
    }

    @Test
    void redirectionsThatWriteFilesAreListed() {
        ShellAnalysis a = ShellAnalysis.of("echo a > f1 2>&1 >> f2 &> f3 &>> f4 >| f5 <> f6 >&f7 < in <<< s 3>&- 2>/dev/null");
        assertThat(a.writes()).extracting(t -> t.word().text())
                .containsExactly("f1", "f2", "f3", "f4", "f5", "f6", "f7", "/dev/null");
        assertThat(ShellAnalysis.of("cd /etc && echo x > passwd").writes().getFirst().relativeToUnknownDirectory()).isTrue();
        assertThat(ShellAnalysis.of("echo x > $f").writes().getFirst().word().isLiteral()).isFalse();
        assertThat(ShellAnalysis.of("echo x > >(cat)").writes()).isEmpty();
    }

    @Test
    void expansionsThatCanEvaluateCodeAreDoubts() {
        assertDoubt("echo ${x@P}", "prompt string");
        assertDoubt("echo $[x]", "arithmetic");
        assertDoubt("echo $((x + 1))", "arithmetic");
        assertDoubt("echo ${y[x]}", "subscript");
        assertDoubt("echo ${HOME:x}", "offset");
        assertDoubt("echo ${!x}", "indirect");
        assertDoubt("[[ $x -eq 1 ]]", "arithmetic");
        assertDoubt("let x=y", "arithmetic");
        assertDoubt("declare -i n", "-i");
        assertDoubt("printf -v 'a[$(id)]' x", "subscript");
        assertDoubt("a[i]=1", "subscript");
        assertUnderstood("echo ${x} ${#x} ${x:-a} ${x#a} ${x//a/b} ${x^^} ${x@Q} ${a[1]} ${a[@]} ${x:1:2} ${x: -1} $((1+2)) ${!p*}");
        assertUnderstood("[[ $x == y && 1 -eq 2 ]]; test \"$x\" -eq 1");
    }

    @Test
    void indirectCommandsAreDoubts() {
        assertDoubt("X=rm; $X -f x", "command name $X");
        assertDoubt("\"$@\"", "command name");
        assertDoubt("source ./x.sh", "source");
        assertDoubt(". ./x.sh", "file");
        assertDoubt("eval \"$cmd\"", "eval");
        assertDoubt("bash -c \"$x\"", "bash -c");
        assertDoubt("bash script.sh", "script");
        assertDoubt("curl x | sh", "standard input");
        assertDoubt("alias ls='rm -rf x'", "alias");
        assertDoubt("/bin/r? x", "command name");
        assertDoubt("PATH=/tmp ls", "PATH");
        assertDoubt("BASH_CMDS[ls]=/bin/rm; ls", "subscript");
        assertDoubt("env -S 'rm x'", "-S");
        assertDoubt("echo \"unterminated", "could not be parsed");
        assertDoubt("shopt -s extglob", "shopt");
    }

    @Test
    void assignmentsInFrontOfACommandAreRemembered() {
        ShellInvocation git = ShellAnalysis.of("GIT_SSH_COMMAND='rm -rf x' git fetch").commands().getFirst();
        assertThat(git.text()).isEqualTo("git fetch");
        assertThat(git.withEnvironment()).isTrue();
        assertThat(ShellAnalysis.of("x=1; git fetch").commands().getFirst().withEnvironment()).isFalse();
    }

    @Test
    void malformedInputEndsInADoubtNeverAHangOrACrash() {
        for (String line : List.of("[[ x =~ \"a\"|b ]]", "for x in a | b; do :; done", "a=(;)", "case x in", "$(",
                "${", "${x", "`", "echo $'\\x'", "f() {", "if a; then", "cat <<", "((", "$((1+", "{ a", ")", ";;", "| a")) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(ShellAnalysis.of(line).understood())
                    .as(line).isFalse());
        }
        String alphabet = "ab $'\"`\\(){}[];&|<>#\n\t=!*?~-0123:@%^,./";
        Random random = new Random(42);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 5_000; i++) {
                StringBuilder s = new StringBuilder();
                for (int n = random.nextInt(40); n > 0; n--) {
                    s.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                String line = s.toString();
                assertThatCode(() -> ShellAnalysis.of(line)).as(line).doesNotThrowAnyException();
            }
        });
    }
}
