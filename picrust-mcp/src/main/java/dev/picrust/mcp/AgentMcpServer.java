package dev.picrust.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.Cancellation;
import dev.picrust.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PiCrust agents as an MCP server: each {@link AgentTask} is offered as a tool taking
 * {@code {"task": "..."}}, so any MCP host can delegate work to an agent. Handles
 * {@code initialize} (2025-11-25, 2025-06-18 and 2025-03-26; an unknown requested version gets the
 * newest), {@code ping}, {@code tools/list}, {@code tools/call} (with {@code notifications/progress}
 * when the call carries a progress token), {@code logging/setLevel} and
 * {@code notifications/cancelled}; any other method is answered with -32601.
 *
 * <p>This is transport-agnostic: {@link #handle} takes one JSON-RPC message and returns the
 * response, sending notifications for that request through the given sink. {@link McpStdioServer}
 * and {@link McpHttpServer} carry it. It speaks the protocol directly rather than through the SDK's
 * server, whose HTTP transport needs a servlet container.
 */
public final class AgentMcpServer {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMcpServer.class);
    static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");

    /** A tool of this server: the model-facing name, what it does, and the agent behind it. */
    public record AgentTool(String name, String description, AgentTask task) {
        public AgentTool {
            if (!name.matches("^[a-zA-Z0-9_-]{1,64}$")) {
                throw new IllegalArgumentException("invalid MCP tool name: '" + name + "'");
            }
        }
    }

    private final String serverName;
    private final Map<String, AgentTool> tools = new LinkedHashMap<>();
    private final Map<String, Cancellation> running = new ConcurrentHashMap<>();

    public AgentMcpServer(String serverName, List<AgentTool> tools) {
        this.serverName = serverName;
        tools.forEach(t -> this.tools.put(t.name(), t));
    }

    /**
     * Handles one message. Returns the response for a request, empty for a notification or a
     * response. Blocks while a tool call runs; {@code notifications} receives that call's progress.
     */
    public Optional<JsonNode> handle(JsonNode message, Consumer<JsonNode> notifications) {
        String method = message.path("method").asText("");
        JsonNode id = message.get("id");
        if (method.isEmpty()) {
            return Optional.empty();  // a response to a request we never send
        }
        if (id == null || id.isNull()) {
            if (method.equals("notifications/cancelled")) {
                Optional.ofNullable(running.get(message.path("params").path("requestId").asText()))
                        .ifPresent(Cancellation::cancel);
            }
            return Optional.empty();
        }
        JsonNode params = message.path("params");
        try {
            return Optional.of(switch (method) {
                case "initialize" -> result(id, initialize(params));
                case "ping", "logging/setLevel" -> result(id, Json.object());
                case "tools/list" -> result(id, listTools());
                case "tools/call" -> result(id, callTool(id.asText(), params, notifications));
                default -> error(id, -32601, "Method not found: " + method);
            });
        } catch (IllegalArgumentException e) {
            return Optional.of(error(id, -32602, e.getMessage()));
        }
    }

    private ObjectNode initialize(JsonNode params) {
        String requested = params.path("protocolVersion").asText("");
        ObjectNode result = Json.object()
                .put("protocolVersion", PROTOCOL_VERSIONS.contains(requested) ? requested : PROTOCOL_VERSIONS.getFirst());
        result.putObject("capabilities").putObject("tools").put("listChanged", false);
        result.with("capabilities").putObject("logging");
        result.putObject("serverInfo").put("name", serverName).put("title", "PiCrust agents")
                .put("version", McpClientOptions.VERSION);
        result.put("instructions", "Each tool hands a task to a PiCrust agent, which works on it with its own "
                + "tools and answers with its result. Describe the task completely.");
        return result;
    }

    private ObjectNode listTools() {
        ObjectNode result = Json.object();
        var list = result.putArray("tools");
        for (AgentTool tool : tools.values()) {
            ObjectNode t = list.addObject().put("name", tool.name()).put("description", tool.description());
            ObjectNode schema = t.putObject("inputSchema").put("type", "object");
            schema.putObject("properties").putObject("task").put("type", "string")
                    .put("description", "The task, in full: what to do, what to answer with.");
            schema.putArray("required").add("task");
            t.putObject("annotations").put("readOnlyHint", false).put("openWorldHint", true);
        }
        return result;
    }

    private ObjectNode callTool(String requestId, JsonNode params, Consumer<JsonNode> notifications) {
        String name = params.path("name").asText("");
        AgentTool tool = tools.get(name);
        if (tool == null) {
            throw new IllegalArgumentException("Unknown tool: " + name);
        }
        JsonNode task = params.path("arguments").path("task");
        if (!task.isTextual() || task.asText().isBlank()) {
            return toolResult("The argument 'task' (a non-empty string) is required.", true);
        }
        JsonNode token = params.path("_meta").get("progressToken");
        int[] step = {0};
        Consumer<String> progress = line -> {
            if (token != null && !token.isNull()) {
                ObjectNode n = Json.object().put("jsonrpc", "2.0").put("method", "notifications/progress");
                ObjectNode p = n.putObject("params");
                p.set("progressToken", token);
                p.put("progress", ++step[0]).put("message", line);
                notifications.accept(n);
            }
        };
        Cancellation cancellation = new Cancellation();
        running.put(requestId, cancellation);
        try {
            return toolResult(tool.task().run(task.asText(), progress, cancellation), false);
        } catch (Exception e) {
            LOG.info("agent tool {} failed: {}", name, e.toString());
            return toolResult("The agent could not finish the task: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), true);
        } finally {
            running.remove(requestId);
        }
    }

    private static ObjectNode toolResult(String text, boolean isError) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", isError);
        return result;
    }

    private static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode r = Json.object().put("jsonrpc", "2.0");
        r.set("id", id);
        r.set("result", result);
        return r;
    }

    static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode r = Json.object().put("jsonrpc", "2.0");
        r.set("id", id);
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }
}
