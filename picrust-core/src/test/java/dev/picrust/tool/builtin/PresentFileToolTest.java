package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.event.OutputChunk;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresentFileToolTest {
    @TempDir
    Path temp;
    final PresentFileTool present = new PresentFileTool();

    @Test
    void presentsAnExistingFile() throws Exception {
        TestToolContext context = TestToolContext.in(temp);
        Path report = Files.writeString(context.workingDirectory().resolve("report.md"), "# Report\n");
        ToolResult result = context.run(present,
                "{\"file_path\":\"report.md\",\"file_name\":\"Report.md\",\"description\":\"The summary\"}");
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).startsWith("Presented Report.md (" + report + ", 9 bytes)");
        assertThat(context.chunks(OutputChunk.FilePresented.class)).containsExactly(
                new OutputChunk.FilePresented(report.toString(), "Report.md", Optional.of("The summary")));
    }

    @Test
    void missingFilesAndFoldersAreRefused() throws Exception {
        TestToolContext context = TestToolContext.in(temp);
        ToolResult missing = context.run(present, "{\"file_path\":\"nope.pdf\",\"file_name\":\"x\"}");
        assertThat(missing.isError()).isTrue();
        assertThat(missing.text()).contains("File does not exist");
        Files.createDirectories(context.workingDirectory().resolve("dir"));
        assertThat(context.run(present, "{\"file_path\":\"dir\",\"file_name\":\"x\"}").text()).contains("not a regular file");
        assertThat(context.chunks()).isEmpty();
    }
}
