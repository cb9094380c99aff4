package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrepToolTest {
    @TempDir
    Path temp;
    TestToolContext context;
    Path work;
    final GrepTool grep = new GrepTool();

    @BeforeEach
    void setUp() throws Exception {
        context = TestToolContext.in(temp);
        work = context.workingDirectory();
    }

    Path file(String relative, String content, long ageSeconds) throws Exception {
        Path file = work.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(ageSeconds)));
        return file;
    }

    ToolResult grep(String json) throws Exception {
        return context.run(grep, Json.parse(json));
    }

    String ok(String json) throws Exception {
        ToolResult result = grep(json);
        assertThat(result.isError()).as(result.text()).isFalse();
        return result.text();
    }

    @Test
    void filesWithMatchesIsTheDefaultNewestFirst() throws Exception {
        Path old = file("a/Old.java", "class Old { void run() {} }\n", 100);
        Path recent = file("b/Recent.java", "void run()\n", 1);
        file("c/Other.java", "nothing here\n", 1);
        assertThat(ok("{\"pattern\":\"void\\\\s+run\"}")).isEqualTo(recent + "\n" + old + "\n");
    }

    @Test
    void contentModeShowsPathLineAndTextWithContextAndSeparators() throws Exception {
        Path f = file("log.txt", "l1\nl2\nERROR a\nl4\nl5\nl6\nl7\nERROR b\nl9\n", 1);
        String text = ok("{\"pattern\":\"ERROR\",\"output_mode\":\"content\",\"-C\":1}");
        assertThat(text).isEqualTo(f + "-2-l2\n" + f + ":3:ERROR a\n" + f + "-4-l4\n--\n"
                + f + "-7-l7\n" + f + ":8:ERROR b\n" + f + "-9-l9\n");
    }

    @Test
    void contextGroupsThatTouchAreMerged() throws Exception {
        Path f = file("m.txt", "x\nhit1\ny\nhit2\nz\n", 1);
        String text = ok("{\"pattern\":\"hit\",\"output_mode\":\"content\",\"-B\":1,\"-A\":1}");
        assertThat(text).isEqualTo(f + "-1-x\n" + f + ":2:hit1\n" + f + "-3-y\n" + f + ":4:hit2\n" + f + "-5-z\n");
    }

    @Test
    void lineNumbersCanBeTurnedOff() throws Exception {
        Path f = file("n.txt", "alpha\nbeta\n", 1);
        assertThat(ok("{\"pattern\":\"beta\",\"output_mode\":\"content\",\"-n\":false}")).isEqualTo(f + ":beta\n");
    }

    @Test
    void countModeCountsMatchingLinesPerFile() throws Exception {
        Path a = file("a.txt", "foo\nfoo foo\nbar\n", 1);
        Path b = file("b.txt", "foo\n", 1);
        assertThat(ok("{\"pattern\":\"foo\",\"output_mode\":\"count\"}")).isEqualTo(a + ":2\n" + b + ":1\n");
    }

    @Test
    void caseInsensitiveTypeAndGlobFilters() throws Exception {
        Path java = file("src/A.java", "TODO: fix\n", 1);
        Path ts = file("web/b.ts", "todo later\n", 2);
        Path tsx = file("web/c.tsx", "Todo\n", 3);
        file("notes.md", "todo\n", 4);
        assertThat(ok("{\"pattern\":\"todo\"}")).isEqualTo(ts + "\n" + work.resolve("notes.md") + "\n");
        assertThat(ok("{\"pattern\":\"todo\",\"-i\":true,\"type\":\"java\"}")).isEqualTo(java + "\n");
        assertThat(ok("{\"pattern\":\"todo\",\"-i\":true,\"glob\":\"*.{ts,tsx}\"}")).isEqualTo(ts + "\n" + tsx + "\n");
        assertThat(ok("{\"pattern\":\"todo\",\"-i\":true,\"glob\":\"!*.md\",\"type\":\"ts\"}")).isEqualTo(ts + "\n" + tsx + "\n");
        assertThat(grep("{\"pattern\":\"x\",\"type\":\"cobol\"}").text()).contains("Unknown file type 'cobol'");
    }

    @Test
    void multilinePatternsSpanLines() throws Exception {
        Path f = file("s.java", "interface A {\n  void x();\n}\nclass B {}\n", 1);
        assertThat(ok("{\"pattern\":\"interface A \\\\{.*?\\\\}\",\"output_mode\":\"files_with_matches\"}"))
                .startsWith("No matches");
        assertThat(ok("{\"pattern\":\"interface A \\\\{.*?\\\\}\",\"multiline\":true,\"output_mode\":\"content\"}"))
                .isEqualTo(f + ":1:interface A {\n" + f + ":2:  void x();\n" + f + ":3:}\n");
        assertThat(ok("{\"pattern\":\"^class\",\"multiline\":true,\"output_mode\":\"count\"}")).isEqualTo(f + ":1\n");
    }

    @Test
    void headLimitAndOffsetPageThroughEntries() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            text.append("match ").append(i).append('\n');
        }
        Path f = file("many.txt", text.toString(), 1);
        String page = ok("{\"pattern\":\"match\",\"output_mode\":\"content\",\"offset\":3,\"head_limit\":2}");
        assertThat(page).startsWith(f + ":4:match 4\n" + f + ":5:match 5\n").contains("use offset=5");
    }

    @Test
    void outputIsCapped() throws Exception {
        file("big.txt", ("needle " + "x".repeat(90) + "\n").repeat(5000), 1);
        String text = ok("{\"pattern\":\"needle\",\"output_mode\":\"content\"}");
        assertThat(text.length()).isLessThan(GrepTool.MAX_OUTPUT_CHARS + 300);
        assertThat(text).contains("output cut at 30000 characters");
    }

    @Test
    void badRegexIsAClearError() throws Exception {
        ToolResult result = grep("{\"pattern\":\"foo(bar\"}");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).startsWith("Invalid regular expression: Unclosed group").contains("foo(bar");
    }

    @Test
    void binaryIgnoredAndGitFilesAreSkipped() throws Exception {
        Files.createDirectories(work.resolve(".git"));
        Files.writeString(work.resolve(".git/HEAD"), "needle\n");
        Files.writeString(work.resolve(".gitignore"), "ignored/\n");
        file("ignored/x.txt", "needle\n", 1);
        Files.write(work.resolve("blob.bin"), new byte[] {'n', 'e', 'e', 'd', 'l', 'e', 0, 1});
        Path visible = file("visible.txt", "needle\n", 1);
        assertThat(ok("{\"pattern\":\"needle\"}")).isEqualTo(visible + "\n");
    }

    @Test
    void aSingleFilePathIsSearchedAndMissingPathsAreErrors() throws Exception {
        Path f = file("one.txt", "a\nb\n", 1);
        assertThat(ok("{\"pattern\":\"b\",\"path\":\"one.txt\",\"output_mode\":\"content\"}")).isEqualTo(f + ":2:b\n");
        ToolResult missing = grep("{\"pattern\":\"b\",\"path\":\"nope\"}");
        assertThat(missing.isError()).isTrue();
        assertThat(missing.text()).contains("Path does not exist");
    }

    @Test
    void noMatchesIsASuccessMessage() throws Exception {
        file("a.txt", "x\n", 1);
        assertThat(ok("{\"pattern\":\"zzz\"}")).startsWith("No matches found for pattern zzz");
    }

    @Test
    void patternsStartingWithADashAreJustPatterns() throws Exception {
        Path f = file("flags.txt", "use --force here\n", 1);
        assertThat(ok("{\"pattern\":\"--force\"}")).isEqualTo(f + "\n");
    }

    @Test
    void nonUtf8FilesAreSearchedAsLatin1() throws Exception {
        Path f = work.resolve("latin.txt");
        Files.write(f, "caf\u00e9 au lait\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(ok("{\"pattern\":\"caf\u00e9\",\"output_mode\":\"content\"}")).isEqualTo(f + ":1:caf\u00e9 au lait\n");
    }

    @Test
    void grepIsConcurrencySafe() {
        assertThat(grep.concurrencySafe()).isTrue();
        ObjectNode schema = (ObjectNode) grep.inputSchema();
        assertThat(schema.path("properties").has("-A")).isTrue();
    }

    @Test
    void pipesAndKernelFilesThatBlockAReaderAreSkipped() throws Exception {
        Path found = file("tree/found.txt", "needle\n", 1);
        Process mk = new ProcessBuilder("mkfifo", work.resolve("tree/pipe").toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
        assertThat(ok("{\"pattern\":\"needle\",\"path\":\"tree\"}")).isEqualTo(found + "\n");
        Path kmsg = Path.of("/proc/kmsg");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(kmsg), "no readable /proc/kmsg here");
        // A "regular" file of size 0 whose read blocks until the kernel logs something.
        assertThat(ok("{\"pattern\":\"x\",\"path\":\"/proc/kmsg\"}")).startsWith("No");
    }
}
