package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GlobPatternTest {

    @Test
    void doubleStarSlashMatchesZeroOrMoreFolders() {
        GlobPattern glob = GlobPattern.compile("**/*.java");
        assertThat(glob.matches("A.java")).isTrue();
        assertThat(glob.matches("src/A.java")).isTrue();
        assertThat(glob.matches("src/main/java/A.java")).isTrue();
        assertThat(glob.matches("A.javax")).isFalse();
        GlobPattern middle = GlobPattern.compile("src/**/test/*.py");
        assertThat(middle.matches("src/test/a.py")).isTrue();
        assertThat(middle.matches("src/x/y/test/a.py")).isTrue();
        assertThat(middle.matches("src/x/test/sub/a.py")).isFalse();
    }

    @Test
    void singleStarAndQuestionMarkStayInOneSegment() {
        assertThat(GlobPattern.compile("*.md").matches("README.md")).isTrue();
        assertThat(GlobPattern.compile("*.md").matches("docs/README.md")).isFalse();
        assertThat(GlobPattern.compile("a?c").matches("abc")).isTrue();
        assertThat(GlobPattern.compile("a?c").matches("a/c")).isFalse();
        assertThat(GlobPattern.compile("src/**").matches("src/a/b/c.txt")).isTrue();
    }

    @Test
    void bracesAreAlternativesAndMayNest() {
        GlobPattern glob = GlobPattern.compile("src/**/*.{ts,tsx,{m,c}js}");
        assertThat(List.of("src/a.ts", "src/x/b.tsx", "src/c.mjs", "src/d.cjs"))
                .allMatch(glob::matches);
        assertThat(glob.matches("src/e.js")).isFalse();
        assertThat(GlobPattern.compile("{src,test}/**/*.java").matches("test/T.java")).isTrue();
        assertThatThrownBy(() -> GlobPattern.compile("*.{ts")).hasMessageContaining("unclosed '{'");
    }

    @Test
    void characterClassesAndEscapes() {
        assertThat(GlobPattern.compile("file[0-9].txt").matches("file7.txt")).isTrue();
        assertThat(GlobPattern.compile("file[!0-9].txt").matches("file7.txt")).isFalse();
        assertThat(GlobPattern.compile("file[!0-9].txt").matches("fileA.txt")).isTrue();
        assertThat(GlobPattern.compile("a\\*b").matches("a*b")).isTrue();
        assertThat(GlobPattern.compile("a\\*b").matches("axb")).isFalse();
        assertThat(GlobPattern.compile("price(1).txt").matches("price(1).txt")).isTrue();
        assertThat(GlobPattern.compile("na\u00efve €.txt").matches("na\u00efve €.txt")).isTrue();
    }

    @Test
    void literalPrefixLetsAWalkStartDeeper() {
        assertThat(GlobPattern.literalDirectoryPrefix("src/main/**/*.java")).isEqualTo("src/main");
        assertThat(GlobPattern.literalDirectoryPrefix("**/*.java")).isEmpty();
        assertThat(GlobPattern.literalDirectoryPrefix("*.java")).isEmpty();
        assertThat(GlobPattern.literalDirectoryPrefix("../x/*.java")).isEmpty();
    }

    @Test
    void matchingNeverBacktracksExponentially() {
        // A backtracking regex engine took minutes on this; the automaton is linear in the name.
        GlobPattern evil = GlobPattern.compile("*a*a*a*a*a*a*a*a*a*b");
        String name = "a".repeat(5_000);
        assertThat(evil.matches(name)).isFalse();
        assertThat(evil.matches(name + "b")).isTrue();
        assertThat(GlobPattern.compile("**/*a*a*a*a*a*b/**").matches("x/" + name + "/y")).isFalse();
        assertThat(GlobPattern.compile("{*a,*b}*a*a*a*a*c").matches(name)).isFalse();
    }

    @Test
    void classesAlternativesAndEscapesKeepTheirMeaning() {
        assertThat(GlobPattern.compile("[!a-c]x").matches("dx")).isTrue();
        assertThat(GlobPattern.compile("[!a-c]x").matches("bx")).isFalse();
        assertThat(GlobPattern.compile("[!a]x").matches("/x")).as("a class stays within a name").isFalse();
        assertThat(GlobPattern.compile("src/{main,test/{java,kotlin}}/*.{java,kt}").matches("src/test/kotlin/A.kt")).isTrue();
        assertThat(GlobPattern.compile("src/{main,test/{java,kotlin}}/*.{java,kt}").matches("src/test/A.kt")).isFalse();
        assertThat(GlobPattern.compile("a\\*b").matches("a*b")).isTrue();
        assertThat(GlobPattern.compile("a\\*b").matches("axb")).isFalse();
        assertThat(GlobPattern.compile("x[y").matches("x[y")).isTrue();
        assertThat(GlobPattern.compileWithoutBraces("{a,b}").matches("{a,b}")).isTrue();
    }
}
