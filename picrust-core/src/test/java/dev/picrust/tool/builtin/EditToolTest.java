package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EditToolTest {
    @TempDir
    Path temp;
    TestToolContext context;
    Path work;
    final EditTool edit = new EditTool();
    final MultiEditTool multiEdit = new MultiEditTool();
    final ReadTool read = new ReadTool();

    @BeforeEach
    void setUp() {
        context = TestToolContext.in(temp);
        work = context.workingDirectory();
    }

    Path file(String name, String content) throws Exception {
        Path file = Files.writeString(work.resolve(name), content);
        context.run(read, Json.object().put("file_path", name));
        return file;
    }

    ToolResult edit(String path, String oldString, String newString, boolean replaceAll) throws Exception {
        ObjectNode input = Json.object().put("file_path", path).put("old_string", oldString).put("new_string", newString);
        if (replaceAll) {
            input.put("replace_all", true);
        }
        return context.run(edit, input);
    }

    @Test
    void replacesAUniqueMatchAndShowsTheResult() throws Exception {
        Path file = file("a.java", "class A {\n    int x = 1;\n}\n");
        ToolResult result = edit("a.java", "int x = 1;", "int x = 2;", false);
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).contains("1 replacement").contains("     2\t    int x = 2;");
        assertThat(Files.readString(file)).isEqualTo("class A {\n    int x = 2;\n}\n");
    }

    @Test
    void notFoundAmbiguousIdenticalAndEmptyAreClearErrors() throws Exception {
        Path file = file("b.txt", "foo bar foo baz foo\n");
        assertThat(edit("b.txt", "qux", "x", false).text()).contains("old_string was not found");
        ToolResult ambiguous = edit("b.txt", "foo", "x", false);
        assertThat(ambiguous.isError()).isTrue();
        assertThat(ambiguous.text()).contains("matches 3 places").contains("replace_all");
        assertThat(edit("b.txt", "foo", "foo", false).text()).contains("identical");
        assertThat(edit("b.txt", "", "x", false).text()).contains("old_string must not be empty");
        assertThat(Files.readString(file)).isEqualTo("foo bar foo baz foo\n");
    }

    @Test
    void replaceAllChangesEveryOccurrence() throws Exception {
        Path file = file("c.txt", "foo bar foo\nfoo\n");
        ToolResult result = edit("c.txt", "foo", "qux", true);
        assertThat(result.text()).contains("3 replacements");
        assertThat(Files.readString(file)).isEqualTo("qux bar qux\nqux\n");
    }

    @Test
    void editingRequiresAPriorReadAndAnUnchangedFile() throws Exception {
        Path file = Files.writeString(work.resolve("unread.txt"), "abc");
        ToolResult result = edit("unread.txt", "abc", "xyz", false);
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("has not been read");
        assertThat(Files.readString(file)).isEqualTo("abc");
        assertThat(edit("missing.txt", "a", "b", false).text()).contains("does not exist").contains("use Write");
    }

    @Test
    void crlfFilesAreMatchedWithLfTextAndKeepCrlf() throws Exception {
        Path file = file("dos.txt", "first\r\nsecond\r\nthird\r\n");
        ToolResult result = edit("dos.txt", "first\nsecond\n", "first\nnew line\nsecond\n", false);
        assertThat(result.isError()).as(result.text()).isFalse();
        assertThat(Files.readString(file)).isEqualTo("first\r\nnew line\r\nsecond\r\nthird\r\n");
    }

    @Test
    void utf8BomIsKept() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Path file = work.resolve("bom.txt");
        Files.write(file, concat(bom, "héllo\n".getBytes(StandardCharsets.UTF_8)));
        context.run(read, Json.object().put("file_path", "bom.txt"));
        assertThat(edit("bom.txt", "héllo", "wörld", false).isError()).isFalse();
        assertThat(Files.readAllBytes(file)).isEqualTo(concat(bom, "wörld\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void latin1FilesStayLatin1() throws Exception {
        Path file = work.resolve("latin.txt");
        Files.write(file, "prix: 5 \u00a3\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        context.run(read, Json.object().put("file_path", "latin.txt"));
        ToolResult result = edit("latin.txt", "caf\u00e9", "th\u00e9", false);
        assertThat(result.isError()).as(result.text()).isFalse();
        assertThat(Files.readAllBytes(file)).isEqualTo("prix: 5 \u00a3\nth\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        ToolResult unencodable = edit("latin.txt", "th\u00e9", "\u8336", false);
        assertThat(unencodable.isError()).isTrue();
        assertThat(unencodable.text()).contains("cannot be written in this file's encoding (ISO-8859-1");
    }

    @Test
    void multiEditAppliesEditsInOrder() throws Exception {
        Path file = file("m.txt", "alpha beta gamma\n");
        ArrayNode edits = Json.array();
        edits.addObject().put("old_string", "alpha").put("new_string", "ALPHA");
        edits.addObject().put("old_string", "ALPHA beta").put("new_string", "AB");
        ObjectNode input = Json.object().put("file_path", "m.txt");
        input.set("edits", edits);
        ToolResult result = context.run(multiEdit, input);
        assertThat(result.isError()).as(result.text()).isFalse();
        assertThat(Files.readString(file)).isEqualTo("AB gamma\n");
    }

    @Test
    void multiEditIsAllOrNothing() throws Exception {
        Path file = file("m.txt", "one two three\n");
        ArrayNode edits = Json.array();
        edits.addObject().put("old_string", "one").put("new_string", "1");
        edits.addObject().put("old_string", "four").put("new_string", "4");
        ObjectNode input = Json.object().put("file_path", "m.txt");
        input.set("edits", edits);
        ToolResult result = context.run(multiEdit, input);
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).startsWith("Edit 2 of 2: old_string was not found").contains("file is unchanged");
        assertThat(Files.readString(file)).isEqualTo("one two three\n");
    }

    @Test
    void multiEditChecksEveryEditBeforeTouchingTheFile() throws Exception {
        file("m.txt", "x\n");
        ArrayNode edits = Json.array();
        edits.addObject().put("old_string", "x").put("new_string", "y");
        edits.addObject().put("old_string", "").put("new_string", "z");
        ObjectNode input = Json.object().put("file_path", "m.txt");
        input.set("edits", edits);
        assertThat(context.run(multiEdit, input).text()).startsWith("Edit 2 of 2: old_string must not be empty");
        ObjectNode none = Json.object().put("file_path", "m.txt");
        none.set("edits", Json.array());
        assertThat(context.run(multiEdit, none).text()).contains("field 'edits' must have at least 1 item");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
