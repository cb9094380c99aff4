package dev.picrust.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.TextBlock;
import java.util.List;

/** The documented JSON form of {@link OutputChunk}: {@code {"type":"text_delta","text":"..."}} and so on. */
public final class OutputChunkJson {
    private OutputChunkJson() {}

    public static ObjectNode toJson(OutputChunk chunk) {
        ObjectNode n = Json.object();
        switch (chunk) {
            case OutputChunk.TextDelta c -> type(n, "text_delta").put("text", c.text());
            case OutputChunk.ThinkingDelta c -> type(n, "thinking_delta").put("text", c.text());
            case OutputChunk.ToolStart c -> {
                type(n, "tool_start").put("id", c.id()).put("name", c.name());
                n.set("input", c.input());
            }
            case OutputChunk.ToolProgress c -> type(n, "tool_progress").put("id", c.id()).put("name", c.name())
                    .put("output", c.output());
            case OutputChunk.ToolEnd c -> {
                type(n, "tool_end").put("id", c.id()).put("name", c.name()).put("is_error", c.isError())
                        .put("content", contentText(c.content()));
                if (c.content().stream().anyMatch(b -> !(b instanceof TextBlock))) {
                    n.set("blocks", MessageCodec.blocksToJson(c.content()));
                }
            }
            case OutputChunk.Status c -> type(n, "status").put("code", c.code().wireName()).put("message", c.message());
            case OutputChunk.UsageReport c -> {
                type(n, "usage").put("model", c.model())
                        .put("input_tokens", c.usage().inputTokens())
                        .put("output_tokens", c.usage().outputTokens())
                        .put("cache_read_input_tokens", c.usage().cacheReadInputTokens())
                        .put("cache_creation_input_tokens", c.usage().cacheCreationInputTokens())
                        .put("reasoning_tokens", c.usage().reasoningTokens());
                if (c.cost().isPresent()) {
                    n.put("cost_usd", c.cost().getAsDouble());
                }
                n.set("turn", c.turn().toJson());
                n.set("session", c.session().toJson());
                n.set("tree", c.tree().toJson());
            }
            case OutputChunk.Error c -> type(n, "error").put("message", c.message());
            case OutputChunk.Done c -> type(n, "done").put("reason", c.reason().wireName());
            case OutputChunk.StateChange c -> {
                type(n, "state_change").put("state", c.state().wireName());
                switch (c.state()) {
                    case AgentState.ExecutingTool s -> n.put("tool_name", s.toolName()).put("tool_use_id", s.toolUseId());
                    case AgentState.WaitingForPermission s -> n.put("request_id", s.requestId()).put("tool_name", s.toolName());
                    case AgentState.WaitingForAnswer s -> n.put("request_id", s.requestId());
                    case AgentState.WaitingForSubagent s -> n.put("session_id", s.sessionId());
                    case AgentState.Error s -> n.put("message", s.message());
                    default -> { }
                }
            }
            case OutputChunk.PermissionRequest c -> {
                type(n, "permission_request").put("request_id", c.requestId()).put("tool_use_id", c.toolUseId())
                        .put("tool_name", c.toolName());
                n.set("input", c.input());
                n.put("reason", c.reason());
            }
            case OutputChunk.PermissionDecided c -> type(n, "permission_decision").put("tool_use_id", c.toolUseId())
                    .put("tool_name", c.toolName()).put("decision", c.decision().wireName())
                    .put("source", c.source().wireName())
                    .put("detail", c.detail());
            case OutputChunk.Question c -> {
                type(n, "question").put("request_id", c.requestId()).put("tool_use_id", c.toolUseId());
                n.set("questions", c.questions());
            }
            case OutputChunk.TodoUpdate c -> type(n, "todo_update").set("todos", c.todos());
            case OutputChunk.FilePresented c -> {
                type(n, "file_presented").put("path", c.path()).put("file_name", c.fileName());
                c.description().ifPresent(d -> n.put("description", d));
            }
            case OutputChunk.SubagentOutput c -> type(n, "subagent_output").put("session_id", c.sessionId())
                    .set("chunk", toJson(c.chunk()));
            case OutputChunk.Lagged c -> type(n, "lagged").put("missed", c.missed());
        }
        return n;
    }

    public static String toJsonLine(OutputChunk chunk) {
        return Json.write(toJson(chunk));
    }

    /** Text content of a tool result as one string; non-text blocks are named, not inlined. */
    public static String contentText(List<ContentBlock> content) {
        StringBuilder sb = new StringBuilder();
        for (ContentBlock b : content) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            switch (b) {
                case TextBlock t -> sb.append(t.text());
                case ImageBlock i -> sb.append("[image]");
                default -> sb.append('[').append(b.type()).append(']');
            }
        }
        return sb.toString();
    }

    private static ObjectNode type(ObjectNode n, String type) {
        n.put("type", type);
        return n;
    }
}
