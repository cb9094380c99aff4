package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.IncompleteToolUse;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmException.Kind;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.Usage;
import dev.picrust.llm.sse.SseEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds one {@link LlmResponse} from the events of an Anthropic Messages stream and reports
 * deltas to a listener as they arrive.
 *
 * <p>Each block is kept as the JSON skeleton from {@code content_block_start} plus what its deltas
 * appended, keyed by the block's {@code index} (indexes need not be dense), and decoded with
 * {@link MessageCodec} at the end, so fields this version does not model (a tool_use's
 * {@code caller}, a text's {@code citations}) survive, and string fields such as a thinking
 * signature are the exact concatenation of what was sent.
 *
 * <p>At the end: a tool_use whose input never got {@code content_block_stop}, or does not parse in
 * an answer stopped by max_tokens, becomes an {@link IncompleteToolUse} cut off; a complete one whose
 * input is not a JSON object (invalid JSON, another value, beyond the parser's limits) one that is
 * malformed, saying why; neither is content. An empty input is {@code {}}. A text block cut off by max_tokens is kept (it is what the model said); any other
 * block cut off is dropped, because a half-streamed thinking or server block cannot be sent back.
 * {@code ping} and unknown event and delta types are ignored; unknown block types become
 * {@link dev.picrust.llm.UnknownBlock}s with known delta kinds applied to the same-named field.
 */
final class MessageStreamAccumulator {
    private final StreamListener listener;
    private final TreeMap<Integer, BlockState> blocks = new TreeMap<>();
    /** One parser for all of the stream's event payloads; one that does not read cleanly is parsed alone. */
    private final StreamPayloads payloads = new StreamPayloads();
    private boolean started;
    private boolean complete;
    private String id = "";
    private String model = "";
    private Usage usage = Usage.ZERO;
    private String stopReason;

    MessageStreamAccumulator(StreamListener listener) {
        this.listener = listener;
    }

    /** True once {@code message_stop} arrived: nothing more belongs to this message. */
    boolean isComplete() {
        return complete;
    }

    /**
     * Gives the payload parser's pooled buffers back: the reader calls it before the stream waits
     * for the network and when it ends. Reading goes on with a fresh parser.
     */
    void release() {
        payloads.close();
    }

    /**
     * Applies one event.
     *
     * @throws LlmException for an {@code error} event (retryable when the error type is transient)
     *                      or a data payload that is not JSON
     */
    void accept(SseEvent event) {
        if (acceptedWithoutTree(event)) {
            return;
        }
        JsonNode data = payloads.tree(event.data()).orElseGet(() -> parse(event.data()));
        String type = event.event().equals("message") ? data.path("type").asText("") : event.event();
        switch (type) {
            case "message_start" -> start(data.path("message"));
            case "content_block_start" -> startBlock(data);
            case "content_block_delta" -> applyDelta(data);
            case "content_block_stop" -> block(data).ifPresent(b -> b.stopped = true);
            case "message_delta" -> {
                JsonNode reason = data.path("delta").path("stop_reason");
                if (reason.isTextual()) {
                    stopReason = reason.asText();
                }
                usage = MessagesResponse.usage(data.path("usage"), usage);
            }
            case "message_stop" -> complete = true;
            case "error" -> throw streamError(data);
            default -> {
                // ping, and event types newer than this version
            }
        }
    }

    /**
     * The finished message.
     *
     * @throws LlmException (retryable) when the stream ended before the message did
     */
    LlmResponse finish() {
        if (!started) {
            throw new LlmException(Kind.STREAM_ERROR, "Anthropic stream ended without a message_start event",
                    0, null, true, null);
        }
        if (!complete && stopReason == null) {
            throw new LlmException(Kind.STREAM_ERROR, "Anthropic stream ended before the message was complete",
                    0, null, true, null);
        }
        List<ContentBlock> content = new ArrayList<>();
        List<IncompleteToolUse> incomplete = new ArrayList<>();
        boolean cutOff = StopReason.fromWire(stopReason) == StopReason.MAX_TOKENS;
        for (BlockState block : blocks.values()) {
            if (block.type().equals("tool_use")) {
                String callId = block.skeleton.path("id").asText("");
                String name = block.skeleton.path("name").asText("");
                IncompleteToolUse.ParsedInput input = block.parsedInput();
                if (!block.stopped || (cutOff && input instanceof IncompleteToolUse.ParsedInput.Unusable)) {
                    incomplete.add(new IncompleteToolUse(callId, name, block.partialJson()));
                } else {
                    switch (input) {
                        case IncompleteToolUse.ParsedInput.Parsed parsed -> {
                            ObjectNode node = block.build();
                            node.set("input", parsed.input());
                            content.add(decode(node));
                        }
                        case IncompleteToolUse.ParsedInput.Unusable unusable ->
                                incomplete.add(new IncompleteToolUse(callId, name, block.partialJson(), unusable.defect()));
                    }
                }
            } else if (block.stopped || block.type().equals("text")) {
                content.add(decode(block.build()));
            }
        }
        return new LlmResponse(id, model, content, StopReason.fromWire(stopReason), usage, incomplete);
    }

    private void start(JsonNode message) {
        // A second message_start (some proxies replay it) begins a new message; merging would mix two.
        blocks.clear();
        stopReason = null;
        complete = false;
        started = true;
        id = message.path("id").asText("");
        model = message.path("model").asText("");
        usage = MessagesResponse.usage(message.path("usage"), Usage.ZERO);
    }

    private void startBlock(JsonNode data) {
        JsonNode index = data.get("index");
        JsonNode skeleton = data.get("content_block");
        if (index == null || !index.canConvertToInt() || skeleton == null || !skeleton.isObject()) {
            return;
        }
        // The event's tree was parsed for this call and is not kept elsewhere: no copy needed.
        BlockState block = new BlockState((ObjectNode) skeleton);
        blocks.put(index.asInt(), block);
        if (block.type().equals("tool_use")) {
            listener.onEvent(new StreamEvent.ToolUseStarted(index.asInt(),
                    skeleton.path("id").asText(""), skeleton.path("name").asText("")));
        }
    }

    /**
     * The frequent small events ({@code content_block_delta}, {@code content_block_stop},
     * {@code ping}, {@code message_stop}) read without a tree (see {@link BlockEvent}); false when
     * the event is another kind or has an unusual shape, which the tree route then handles.
     */
    private boolean acceptedWithoutTree(SseEvent event) {
        String type = event.event();
        boolean delta = type.equals("content_block_delta");
        boolean stop = type.equals("content_block_stop");
        boolean messageStop = type.equals("message_stop");
        if (!delta && !stop && !messageStop && !type.equals("ping")) {
            return false;
        }
        Optional<BlockEvent> read = payloads.read(event.data(), BlockEvent::read);
        if (read.isEmpty()) {
            return false;
        }
        if (messageStop) {
            complete = true;
            return true;
        }
        BlockEvent e = read.get();
        BlockState block = e.hasIndex() ? blocks.get(e.index()) : null;
        if (block == null || !(delta || stop)) {
            return true;
        }
        if (delta) {
            applyDelta(e.index(), block, e.deltaType(), e.deltaText());
        } else {
            block.stopped = true;
        }
        return true;
    }

    private void applyDelta(JsonNode data) {
        Optional<BlockState> found = block(data);
        if (found.isEmpty()) {
            return;
        }
        BlockState block = found.get();
        int index = data.get("index").asInt();
        JsonNode delta = data.path("delta");
        String type = delta.path("type").asText("");
        if (type.equals("citations_delta")) {
            JsonNode citation = delta.get("citation");
            if (citation != null) {
                block.citations().add(citation.deepCopy());
            }
            return;
        }
        String field = switch (type) {
            case "text_delta" -> "text";
            case "thinking_delta" -> "thinking";
            case "signature_delta" -> "signature";
            case "input_json_delta" -> "partial_json";
            default -> "";
        };
        applyDelta(index, block, type, field.isEmpty() ? "" : delta.path(field).asText(""));
    }

    /** Applies a delta whose payload is one string ({@code text} is that string, empty if absent). */
    private void applyDelta(int index, BlockState block, String type, String text) {
        switch (type) {
            case "text_delta" -> {
                block.append("text", text);
                if (block.type().equals("text") && !text.isEmpty()) {
                    listener.onEvent(new StreamEvent.TextDelta(index, text));
                }
            }
            case "thinking_delta" -> {
                block.append("thinking", text);
                if (block.type().equals("thinking") && !text.isEmpty()) {
                    listener.onEvent(new StreamEvent.ThinkingDelta(index, text));
                }
            }
            case "signature_delta" -> block.append("signature", text);
            case "input_json_delta" -> block.appendJson(text);
            default -> {
                // Delta kinds newer than this version carry nothing we can place.
            }
        }
    }

    private Optional<BlockState> block(JsonNode data) {
        JsonNode index = data.get("index");
        if (index == null || !index.canConvertToInt()) {
            return Optional.empty();
        }
        return Optional.ofNullable(blocks.get(index.asInt()));
    }

    private static LlmException streamError(JsonNode data) {
        Optional<ApiError> error = ApiError.fromJson(data);
        if (error.isEmpty()) {
            return new LlmException(Kind.STREAM_ERROR, "Anthropic stream sent an error event: " + Json.write(data),
                    0, null, false, null);
        }
        ApiError e = error.get();
        return new LlmException(ApiError.kind(e.type(), 0),
                "Anthropic stream error " + e.type() + ": " + e.message(), 0, e.requestId().orElse(null),
                e.isTransient(), null);
    }

    private static JsonNode parse(String data) {
        try {
            JsonNode node = Json.parse(data);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "Anthropic stream event is not JSON: " + e.getOriginalMessage(),
                    0, null, false, e);
        }
        throw new LlmException(Kind.MALFORMED_RESPONSE, "Anthropic stream event is not a JSON object", 0, null, false, null);
    }

    private static ContentBlock decode(ObjectNode node) {
        try {
            return MessageCodec.fromJsonBlock(node);
        } catch (IllegalArgumentException e) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "Anthropic stream built a malformed block: " + e.getMessage(),
                    0, null, false, e);
        }
    }

    /** One content block being streamed. */
    private static final class BlockState {
        final ObjectNode skeleton;
        final Map<String, StringBuilder> appended = new LinkedHashMap<>();
        StringBuilder json;
        ArrayNode citations;
        boolean stopped;

        BlockState(ObjectNode skeleton) {
            this.skeleton = skeleton;
        }

        String type() {
            return skeleton.path("type").asText("");
        }

        void append(String field, String delta) {
            StringBuilder text = appended.get(field);
            if (text == null) {
                JsonNode initial = skeleton.get(field);
                text = new StringBuilder(initial != null && initial.isTextual() ? initial.asText() : "");
                appended.put(field, text);
            }
            text.append(delta);
        }

        void appendJson(String fragment) {
            if (json == null) {
                json = new StringBuilder();
            }
            json.append(fragment);
        }

        ArrayNode citations() {
            if (citations == null) {
                JsonNode initial = skeleton.get("citations");
                citations = initial != null && initial.isArray() ? (ArrayNode) initial.deepCopy() : Json.array();
            }
            return citations;
        }

        String partialJson() {
            return json == null ? "" : json.toString();
        }

        /** The streamed input as a JSON object (empty text means the skeleton's, or {@code {}}), or why it is not one. */
        IncompleteToolUse.ParsedInput parsedInput() {
            String text = json == null ? "" : json.toString();
            if (text.isBlank()) {
                JsonNode initial = skeleton.get("input");
                return new IncompleteToolUse.ParsedInput.Parsed(
                        initial != null && initial.isObject() ? initial.deepCopy() : Json.object());
            }
            return IncompleteToolUse.parseInput(text);
        }

        ObjectNode build() {
            ObjectNode node = skeleton.deepCopy();
            appended.forEach((field, text) -> node.put(field, text.toString()));
            if (citations != null) {
                node.set("citations", citations);
            }
            if (!type().equals("tool_use") && json != null) {
                // Server-side tool calls stream their input too; keep what parses, else the skeleton's.
                String text = json.toString();
                if (!text.isBlank()) {
                    try {
                        node.set("input", Json.parse(text));
                    } catch (JsonProcessingException e) {
                        // A cut-off server block is dropped at finish unless it was stopped; keep the skeleton input.
                    }
                }
            }
            return node;
        }
    }
}
