package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteToolTest {
    @TempDir
    Path temp;
    TestToolContext context;
    Path work;
    final WriteTool write = new WriteTool();
    final ReadTool read = new ReadTool();

    @BeforeEach
    void setUp() {
        context = TestToolContext.in(temp);
        work = context.workingDirectory();
    }

    ToolResult write(String path, String content) throws Exception {
        ObjectNode input = Json.object().put("file_path", path).put("content", content);
        return context.run(write, input);
    }

    ToolResult read(String path) throws Exception {
        return context.run(read, Json.object().put("file_path", path));
    }

    @Test
    void createsNewFilesAndParentFoldersWithoutAPriorRead() throws Exception {
        ToolResult result = write("deep/er/new.txt", "hello\nworld\n");
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).startsWith("Created " + work.resolve("deep/er/new.txt")).contains("2 lines");
        assertThat(Files.readString(work.resolve("deep/er/new.txt"))).isEqualTo("hello\nworld\n");
    }

    @Test
    void aFileReadBeforeAResumeMayBeWrittenAfterIt() throws Exception {
        Files.writeString(work.resolve("kept.txt"), "original\n");
        Files.writeString(work.resolve("edited.txt"), "old text\n");
        assertThat(read("kept.txt").isError()).isFalse();
        assertThat(read("edited.txt").isError()).isFalse();

        context = TestToolContext.resumed(temp, context);  // a new agent on the same session: nothing in memory

        ToolResult result = write("kept.txt", "replaced\n");
        assertThat(result.isError()).as(result.text()).isFalse();
        assertThat(Files.readString(work.resolve("kept.txt"))).isEqualTo("replaced\n");
        ToolResult edit = context.run(new EditTool(), Json.object().put("file_path", "edited.txt")
                .put("old_string", "old").put("new_string", "new"));
        assertThat(edit.isError()).as(edit.text()).isFalse();
        assertThat(Files.readString(work.resolve("edited.txt"))).isEqualTo("new text\n");
    }

    @Test
    void aFileChangedOnDiskWhileTheAgentWasDownIsStillCaughtAfterAResume() throws Exception {
        Path file = Files.writeString(work.resolve("shared.txt"), "original\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
        assertThat(read("shared.txt").isError()).isFalse();

        context = TestToolContext.resumed(temp, context);
        Files.writeString(file, "someone else's change\n");

        ToolResult result = write("shared.txt", "mine\n");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("has changed on disk since it was last read");
        assertThat(Files.readString(file)).isEqualTo("someone else's change\n");
    }

    @Test
    void overwritingAnUnreadFileIsRefused() throws Exception {
        Files.writeString(work.resolve("existing.txt"), "original");
        ToolResult result = write("existing.txt", "replaced");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("has not been read");
        assertThat(Files.readString(work.resolve("existing.txt"))).isEqualTo("original");
    }

    @Test
    void overwritingAfterReadSucceeds() throws Exception {
        Files.writeString(work.resolve("existing.txt"), "original");
        read("existing.txt");
        ToolResult result = write("existing.txt", "replaced");
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).startsWith("Updated");
        assertThat(Files.readString(work.resolve("existing.txt"))).isEqualTo("replaced");
        // The agent's own write counts as seen: a second write needs no new Read.
        assertThat(write("existing.txt", "again").isError()).isFalse();
    }

    @Test
    void aFileChangedOnDiskSinceTheReadIsNotOverwritten() throws Exception {
        Path file = Files.writeString(work.resolve("shared.txt"), "v1");
        read("shared.txt");
        Files.writeString(file, "v2 by someone else");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        ToolResult result = write("shared.txt", "mine");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("has changed on disk since it was last read");
        assertThat(Files.readString(file)).isEqualTo("v2 by someone else");
        read("shared.txt");
        assertThat(write("shared.txt", "mine").isError()).isFalse();
    }

    @Test
    void writeIsAtomicAndLeavesNoTemporaryFiles() throws Exception {
        write("atomic.txt", "x".repeat(100_000));
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("atomic.txt");
        }
    }

    @Test
    void existingPermissionsAreKept() throws Exception {
        Path script = Files.writeString(work.resolve("run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        read("run.sh");
        write("run.sh", "#!/bin/sh\necho hi\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxr-x---");
    }

    @Test
    void writingThroughASymlinkReplacesTheTargetAndKeepsTheLink() throws Exception {
        Path target = Files.writeString(work.resolve("target.txt"), "old");
        Path link = Files.createSymbolicLink(work.resolve("link.txt"), target);
        read("link.txt");
        assertThat(write("link.txt", "new").isError()).isFalse();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("new");
    }

    @Test
    void latin1FilesStayLatin1WhenTheTextFits() throws Exception {
        Path file = Files.write(work.resolve("latin.txt"), "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        read("latin.txt");
        write("latin.txt", "cr\u00e8me\n");
        assertThat(Files.readAllBytes(file)).isEqualTo("cr\u00e8me\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void directoriesCannotBeWritten() throws Exception {
        Files.createDirectories(work.resolve("folder"));
        ToolResult result = write("folder", "x");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("is a directory");
    }

    @Test
    void confinementRefusesWritesOutsideTheRoots() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.createSymbolicLink(work.resolve("escape"), outside);
        context.confinedTo(work);
        ToolResult result = write("escape/planted.txt", "x");
        assertThat(result.isError()).isTrue();
        assertThat(Files.exists(outside.resolve("planted.txt"))).isFalse();
    }

    @Test
    void writeIsNotConcurrencySafe() {
        assertThat(write.concurrencySafe()).isFalse();
        assertThat(write.readOnly()).isFalse();
    }
}
