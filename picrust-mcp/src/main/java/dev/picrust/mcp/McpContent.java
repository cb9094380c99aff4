package dev.picrust.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.DocumentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.MediaSource;
import dev.picrust.llm.TextBlock;
import dev.picrust.tool.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * MCP tool results as our content blocks. Text stays text; images become image blocks; an embedded
 * resource becomes text (text resources), an image block (image blobs), a document block (PDF
 * blobs) or a short note (other blobs); audio and resource links become a short note, since no
 * model API takes them in a tool result. {@code isError} is kept. Structured content is added as a
 * JSON text block unless a text block already carries exactly that JSON (servers are asked to
 * include it as text for older clients).
 */
final class McpContent {
    private static final ObjectMapper MAPPER = Json.mapper();

    private McpContent() {
    }

    static ToolResult toToolResult(McpSchema.CallToolResult result) {
        List<ContentBlock> blocks = new ArrayList<>();
        for (McpSchema.Content c : result.content() == null ? List.<McpSchema.Content>of() : result.content()) {
            blocks.add(block(c));
        }
        if (result.structuredContent() != null) {
            JsonNode structured = MAPPER.valueToTree(result.structuredContent());
            boolean alreadyThere = blocks.stream().anyMatch(b -> b instanceof TextBlock t && sameJson(t.text(), structured));
            if (!alreadyThere) {
                blocks.add(new TextBlock(Json.write(structured)));
            }
        }
        if (blocks.isEmpty()) {
            blocks.add(new TextBlock("(no content)"));
        }
        return new ToolResult(blocks, Boolean.TRUE.equals(result.isError()));
    }

    static ContentBlock block(McpSchema.Content content) {
        return switch (content) {
            case McpSchema.TextContent t -> new TextBlock(t.text() == null ? "" : t.text());
            case McpSchema.ImageContent i -> new ImageBlock(new MediaSource.Base64(i.mimeType(), i.data()));
            case McpSchema.AudioContent a -> new TextBlock("[audio: " + a.mimeType() + ", " + base64Bytes(a.data())
                    + " bytes; audio cannot be shown to the model]");
            case McpSchema.ResourceLink l -> new TextBlock("[resource link: " + l.uri()
                    + (l.name() == null ? "" : " \"" + l.name() + "\"")
                    + (l.mimeType() == null ? "" : " (" + l.mimeType() + ")")
                    + (l.description() == null ? "" : ": " + l.description()) + "]");
            case McpSchema.EmbeddedResource r -> resource(r.resource());
            default -> new TextBlock("[unsupported MCP content: " + content.getClass().getSimpleName() + "]");
        };
    }

    private static ContentBlock resource(McpSchema.ResourceContents contents) {
        return switch (contents) {
            case McpSchema.TextResourceContents t -> new TextBlock("[resource " + t.uri()
                    + (t.mimeType() == null ? "" : " (" + t.mimeType() + ")") + "]\n" + t.text());
            case McpSchema.BlobResourceContents b when b.mimeType() != null && b.mimeType().startsWith("image/") ->
                    new ImageBlock(new MediaSource.Base64(b.mimeType(), b.blob()));
            case McpSchema.BlobResourceContents b when "application/pdf".equals(b.mimeType()) ->
                    new DocumentBlock(new MediaSource.Base64(b.mimeType(), b.blob()));
            case McpSchema.BlobResourceContents b -> new TextBlock("[resource " + b.uri() + " ("
                    + (b.mimeType() == null ? "binary" : b.mimeType()) + ", " + base64Bytes(b.blob()) + " bytes)]");
            default -> new TextBlock("[resource of an unsupported kind: " + contents.uri() + "]");
        };
    }

    private static boolean sameJson(String text, JsonNode value) {
        String t = text.strip();
        if (!t.startsWith("{") && !t.startsWith("[")) {
            return false;
        }
        try {
            return Json.parse(t).equals(value);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static long base64Bytes(String data) {
        if (data == null) {
            return 0;
        }
        long padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
        return data.length() / 4 * 3 - padding;
    }
}
