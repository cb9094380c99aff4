package dev.picrust.permission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellCommandTest {

    static List<String> texts(String command) {
        return ShellCommand.split(command).stream().map(ShellCommand.Part::text).toList();
    }

    @Test
    void splitsOnEveryOperator() {
        assertThat(texts("a && b; c | d || e\nf & g |& h")).containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
    }

    @Test
    void respectsQuotesAndEscapes() {
        assertThat(texts("echo \"a && b\" && echo 'c; d' ; echo e\\;f")).containsExactly(
                "echo \"a && b\"", "echo 'c; d'", "echo e\\;f");
    }

    @Test
    void keepsRedirectionsTogether() {
        assertThat(texts("make 2>&1 | tee log && cat x &> out")).containsExactly("make 2>&1", "tee log", "cat x &> out");
    }

    @Test
    void collapsesWhitespaceAndDropsEmptyParts() {
        assertThat(texts("  git   status ;; ; ")).containsExactly("git status");
    }

    @Test
    void marksSubstitutionsOpaque() {
        List<ShellCommand.Part> parts = ShellCommand.split("echo $(rm -rf /) && ls && echo `id` && echo \"$(id)\" && echo '$(id)'");
        assertThat(parts).extracting(ShellCommand.Part::opaque).containsExactly(true, false, true, true, false);
        assertThat(ShellCommand.split("diff <(ls a) <(ls b)").getFirst().opaque()).isTrue();
        assertThat(ShellCommand.split("(cd x && rm -rf y)")).extracting(ShellCommand.Part::opaque).containsExactly(true, true);
    }

    @Test
    void findsCommandsInsideSubstitutions() {
        assertThat(ShellCommand.substitutions("echo $(rm -rf $(pwd)) `id` '$(not)'"))
                .containsExactly("rm -rf $(pwd)", "id");
    }

    @Test
    void coreDropsKeywordsGroupingAndAssignments() {
        assertThat(ShellCommand.core("do FOO=1 BAR=\"a b\" rm -rf $x")).isEqualTo("rm -rf $x");
        assertThat(ShellCommand.core("{ rm -rf / }")).isEqualTo("rm -rf /");
        assertThat(ShellCommand.core("git status")).isEqualTo("git status");
    }
}
