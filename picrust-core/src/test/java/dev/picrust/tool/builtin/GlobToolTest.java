package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobToolTest {
    @TempDir
    Path temp;
    TestToolContext context;
    Path work;
    final GlobTool glob = new GlobTool();

    @BeforeEach
    void setUp() {
        context = TestToolContext.in(temp);
        work = context.workingDirectory();
    }

    Path file(String relative, long ageSeconds) throws Exception {
        Path file = work.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, relative);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(ageSeconds)));
        return file;
    }

    List<String> glob(String pattern) throws Exception {
        return glob(pattern, null);
    }

    List<String> glob(String pattern, String path) throws Exception {
        var input = Json.object().put("pattern", pattern);
        if (path != null) {
            input.put("path", path);
        }
        ToolResult result = context.run(glob, input);
        assertThat(result.isError()).as(result.text()).isFalse();
        return result.text().lines().toList();
    }

    @Test
    void doubleStarMatchesTopLevelAndNestedFilesNewestFirst() throws Exception {
        Path top = file("Top.java", 30);
        Path nested = file("src/main/Nested.java", 10);
        Path newest = file("src/Newest.java", 1);
        file("src/notes.txt", 0);
        assertThat(glob("**/*.java")).containsExactly(newest.toString(), nested.toString(), top.toString());
        assertThat(glob("*.java")).containsExactly(top.toString());
    }

    @Test
    void bracesSelectSeveralExtensions() throws Exception {
        Path ts = file("web/a.ts", 3);
        Path tsx = file("web/b.tsx", 2);
        file("web/c.js", 1);
        assertThat(glob("web/*.{ts,tsx}")).containsExactly(tsx.toString(), ts.toString());
    }

    @Test
    void onlyFilesAreListedNeverFolders() throws Exception {
        Files.createDirectories(work.resolve("folder.d/inner.d"));
        Path f = file("folder.d/file.d", 1);
        assertThat(glob("**/*.d")).containsExactly(f.toString());
    }

    @Test
    void gitignoreRulesAreHonouredIncludingNestedFilesAndNegation() throws Exception {
        Files.createDirectories(work.resolve(".git"));
        Files.writeString(work.resolve(".git/config"), "x");
        Files.writeString(work.resolve(".gitignore"), "*.log\nbuild/\n/only-root.txt\n!keep.log\n");
        Files.createDirectories(work.resolve("sub"));
        Files.writeString(work.resolve("sub/.gitignore"), "secret*\n!secret-ok.txt\n");
        Path kept = file("keep.log", 1);
        file("debug.log", 1);
        file("build/out.txt", 1);
        file("only-root.txt", 1);
        Path nestedRootName = file("sub/only-root.txt", 2);
        file("sub/secret.txt", 1);
        Path reincluded = file("sub/secret-ok.txt", 3);
        Path plain = file("src/app.txt", 4);
        List<String> found = glob("**/*");
        assertThat(found).containsExactlyInAnyOrder(kept.toString(), nestedRootName.toString(), reincluded.toString(),
                plain.toString(), work.resolve(".gitignore").toString(), work.resolve("sub/.gitignore").toString());
    }

    @Test
    void gitignoreOfTheRepositoryAboveTheSearchedFolderApplies() throws Exception {
        Files.createDirectories(work.resolve(".git"));
        Files.writeString(work.resolve(".gitignore"), "*.tmp\n");
        file("pkg/a.tmp", 1);
        Path b = file("pkg/b.txt", 1);
        assertThat(glob("*", "pkg")).containsExactly(b.toString());
    }

    @Test
    void resultsAreCappedWithACountOfTheRest() throws Exception {
        for (int i = 0; i < GlobTool.MAX_RESULTS + 5; i++) {
            Files.writeString(work.resolve("f" + i + ".txt"), "");
        }
        List<String> lines = glob("*.txt");
        assertThat(lines).hasSize(GlobTool.MAX_RESULTS + 1);
        assertThat(lines.getLast()).startsWith("... and 5 more");
    }

    @Test
    void noMatchIsASuccessWithAMessageAndBadInputIsAnError() throws Exception {
        assertThat(glob("*.none")).singleElement().asString().startsWith("No files found matching *.none");
        ToolResult missing = context.run(glob, Json.object().put("pattern", "*").put("path", "nowhere"));
        assertThat(missing.isError()).isTrue();
        assertThat(missing.text()).contains("Path does not exist");
        ToolResult bad = context.run(glob, Json.object().put("pattern", "*.{a"));
        assertThat(bad.isError()).isTrue();
        assertThat(bad.text()).contains("Invalid glob pattern");
    }

    @Test
    void absolutePatternsWork() throws Exception {
        Path f = file("abs/x.md", 1);
        assertThat(glob(work.resolve("abs") + "/*.md")).containsExactly(f.toString());
    }
}
