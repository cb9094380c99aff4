package dev.picrust.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * One tool of an MCP server, offered to the model as {@code mcp__<server>__<tool>}. Calls go to the
 * server's current connection (whichever reconnect made it), so the object stays valid across
 * reconnects. Not read-only and not concurrency-safe: a server's {@code readOnlyHint} is its own
 * claim, and permission rules ({@code mcp__server__*}) are how an operator trusts a server.
 */
record McpTool(String name, String originalName, String description, JsonNode inputSchema,
               McpServerConnection server) implements Tool {

    static McpTool of(String name, McpSchema.Tool tool, McpServerConnection server) {
        ObjectNode schema = tool.inputSchema() == null ? Json.object() : Json.mapper().valueToTree(tool.inputSchema());
        if (!schema.has("type")) {
            schema.put("type", "object");
        }
        String description = tool.description() != null && !tool.description().isBlank() ? tool.description()
                : tool.title() != null ? tool.title() : "Tool " + tool.name() + " of MCP server " + server.name();
        return new McpTool(name, tool.name(), description, schema, server);
    }

    @Override
    public ToolResult execute(JsonNode input, ToolContext context) throws InterruptedException {
        return server.call(originalName, input, context);
    }
}
