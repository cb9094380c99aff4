package dev.picrust.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.llm.DocumentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.MediaSource;
import dev.picrust.llm.TextBlock;
import dev.picrust.tool.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpContentTest {

    @Test
    void contentKindsMapToOurBlocks() {
        McpSchema.CallToolResult result = new McpSchema.CallToolResult(List.of(
                new McpSchema.TextContent("hello"),
                new McpSchema.ImageContent(null, "aGVsbG8=", "image/png"),
                new McpSchema.AudioContent(null, "aGVsbG8=", "audio/wav"),
                new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents("file:///a.txt", "text/plain", "body")),
                new McpSchema.EmbeddedResource(null, new McpSchema.BlobResourceContents("file:///a.pdf", "application/pdf", "JVBE")),
                new McpSchema.ResourceLink("readme", null, "file:///README.md", "the readme", "text/markdown", null, null, null)),
                false, null, null);

        ToolResult mapped = McpContent.toToolResult(result);

        assertThat(mapped.isError()).isFalse();
        assertThat(mapped.content()).hasSize(6);
        assertThat(mapped.content().get(0)).isEqualTo(new TextBlock("hello"));
        assertThat(mapped.content().get(1)).isEqualTo(new ImageBlock(new MediaSource.Base64("image/png", "aGVsbG8=")));
        assertThat(((TextBlock) mapped.content().get(2)).text()).contains("audio/wav").contains("5 bytes");
        assertThat(((TextBlock) mapped.content().get(3)).text()).contains("file:///a.txt").endsWith("\nbody");
        assertThat(mapped.content().get(4)).isEqualTo(new DocumentBlock(new MediaSource.Base64("application/pdf", "JVBE")));
        assertThat(((TextBlock) mapped.content().get(5)).text()).contains("file:///README.md").contains("the readme");
    }

    @Test
    void isErrorIsKeptAndStructuredContentIsAddedOnlyWhenNotAlreadyThereAsText() {
        Map<String, Object> structured = Map.of("temperature", 21);
        ToolResult withText = McpContent.toToolResult(new McpSchema.CallToolResult(
                List.of(new McpSchema.TextContent("{\"temperature\": 21}")), true, structured, null));
        ToolResult withoutText = McpContent.toToolResult(new McpSchema.CallToolResult(List.of(), false, structured, null));

        assertThat(withText.isError()).isTrue();
        assertThat(withText.content()).hasSize(1);
        assertThat(withoutText.content()).containsExactly(new TextBlock("{\"temperature\":21}"));
    }
}
