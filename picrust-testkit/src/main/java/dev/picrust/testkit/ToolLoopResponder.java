package dev.picrust.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolUseBlock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link MockLlmServer} responder for load runs: every turn of every conversation makes
 * {@code toolSteps} calls of one tool and then answers with text. The step is read from the
 * request itself (assistant messages since the last plain user prompt), so the server keeps no
 * per-conversation state and any number of agents can share it. All responses are encoded once,
 * up front, down to the HTTP framing; a server that does not record requests answers from the raw
 * body ({@link #prepared}) without building a JSON tree, so a request costs one scan of its bytes
 * and one write.
 */
public final class ToolLoopResponder implements Function<RecordedRequest, ServerStep> {
    private final List<ServerStep.Raw> streamed;
    private final List<ServerStep.Raw> plain;
    private final List<byte[]> streamedWire;
    private final List<byte[]> plainWire;

    /** Tool input {@code {"step": n}} for the n-th call. */
    public ToolLoopResponder(int toolSteps, String toolName) {
        this(toolSteps, toolName, Optional.empty());
    }

    /** The same {@code input} for every tool call, when present. */
    public ToolLoopResponder(int toolSteps, String toolName, Optional<JsonNode> input) {
        if (toolSteps < 0) {
            throw new IllegalArgumentException("toolSteps must be >= 0");
        }
        ServerStep.Raw[] streamedSteps = new ServerStep.Raw[toolSteps + 1];
        ServerStep.Raw[] plainSteps = new ServerStep.Raw[toolSteps + 1];
        for (int step = 0; step <= toolSteps; step++) {
            LlmResponse response = step < toolSteps
                    ? new LlmResponse("msg_loop_" + step, ServerStep.MODEL,
                            List.of(new ToolUseBlock("toolu_loop_" + step, toolName, toolInput(input, step))),
                            StopReason.TOOL_USE, ServerStep.USAGE)
                    : new LlmResponse("msg_loop_done", ServerStep.MODEL,
                            List.of(new TextBlock("Done after " + toolSteps + " tool calls.")),
                            StopReason.END_TURN, ServerStep.USAGE);
            streamedSteps[step] = ServerStep.sse(SseEvent.toBytes(AnthropicWireFormat.events(response)));
            plainSteps[step] = ServerStep.raw(200, ServerStep.JSON_HEADERS,
                    Json.write(AnthropicWireFormat.message(response)).getBytes(StandardCharsets.UTF_8));
        }
        this.streamed = List.of(streamedSteps);
        this.plain = List.of(plainSteps);
        this.streamedWire = streamed.stream().map(ToolLoopResponder::keepAliveWire).toList();
        this.plainWire = plain.stream().map(ToolLoopResponder::keepAliveWire).toList();
    }

    private static byte[] keepAliveWire(ServerStep.Raw raw) {
        return HttpConnection.responseBytes(raw.status(), raw.headers(), raw.body(), raw.isEventStream(), true);
    }

    /**
     * The whole keep-alive HTTP response {@link #apply} would give for this request body, or empty
     * when the body needs the ordinary path (a tree). The array is shared: do not modify it.
     */
    Optional<byte[]> prepared(byte[] body) {
        return ToolLoopPosition.scan(body).map(position -> {
            int step = Math.min(position.step(), streamed.size() - 1);
            return position.streaming() ? streamedWire.get(step) : plainWire.get(step);
        });
    }

    private static JsonNode toolInput(Optional<JsonNode> input, int step) {
        return input.<JsonNode>map(JsonNode::deepCopy).orElseGet(() -> Json.object().put("step", step));
    }

    @Override
    public ServerStep apply(RecordedRequest request) {
        int step = Math.min(stepOf(request.body().path("messages")), streamed.size() - 1);
        return request.isStreaming() ? streamed.get(step) : plain.get(step);
    }

    /** Assistant messages after the last user message that is a prompt rather than tool results. */
    static int stepOf(JsonNode messages) {
        int assistants = 0;
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asText();
            if (role.equals("assistant")) {
                assistants++;
            } else if (role.equals("user") && !hasToolResult(message.path("content"))) {
                break;
            }
        }
        return assistants;
    }

    private static boolean hasToolResult(JsonNode content) {
        if (!content.isArray()) {
            return false;
        }
        for (JsonNode block : content) {
            if (block.path("type").asText().equals("tool_result")) {
                return true;
            }
        }
        return false;
    }
}
