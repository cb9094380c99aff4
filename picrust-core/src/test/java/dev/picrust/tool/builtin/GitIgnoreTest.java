package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitIgnoreTest {

    @Test
    void unanchoredPatternsMatchAtAnyDepth() {
        GitIgnore ignore = GitIgnore.parse(List.of("*.log", "build"));
        assertThat(ignore.decide("a.log", false)).contains(true);
        assertThat(ignore.decide("deep/down/a.log", false)).contains(true);
        assertThat(ignore.decide("x/build", true)).contains(true);
        assertThat(ignore.decide("a.txt", false)).isEmpty();
    }

    @Test
    void patternsWithASlashAreAnchored() {
        GitIgnore ignore = GitIgnore.parse(List.of("/root-only.txt", "docs/*.pdf"));
        assertThat(ignore.decide("root-only.txt", false)).contains(true);
        assertThat(ignore.decide("sub/root-only.txt", false)).isEmpty();
        assertThat(ignore.decide("docs/a.pdf", false)).contains(true);
        assertThat(ignore.decide("x/docs/a.pdf", false)).isEmpty();
    }

    @Test
    void trailingSlashMatchesFoldersOnly() {
        GitIgnore ignore = GitIgnore.parse(List.of("out/"));
        assertThat(ignore.decide("out", true)).contains(true);
        assertThat(ignore.decide("out", false)).isEmpty();
    }

    @Test
    void negationReIncludesAndTheLastRuleWins() {
        GitIgnore ignore = GitIgnore.parse(List.of("*.log", "!keep.log", "# comment", "", "\\#hash"));
        assertThat(ignore.decide("a.log", false)).contains(true);
        assertThat(ignore.decide("keep.log", false)).contains(false);
        assertThat(ignore.decide("#hash", false)).contains(true);
    }

    @Test
    void doubleStarForms() {
        GitIgnore ignore = GitIgnore.parse(List.of("**/generated", "logs/**", "a/**/b"));
        assertThat(ignore.decide("x/y/generated", true)).contains(true);
        assertThat(ignore.decide("logs/2024/x.txt", false)).contains(true);
        assertThat(ignore.decide("a/b", true)).contains(true);
        assertThat(ignore.decide("a/x/y/b", true)).contains(true);
        assertThat(ignore.decide("b", true)).isEqualTo(Optional.empty());
    }

    @Test
    void bracesAreLiteralInGitignore() {
        GitIgnore ignore = GitIgnore.parse(List.of("{a,b}.txt"));
        assertThat(ignore.decide("a.txt", false)).isEmpty();
        assertThat(ignore.decide("{a,b}.txt", false)).contains(true);
    }
}
