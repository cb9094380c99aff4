package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-side, independent reading of an Anthropic SSE body: splits it into events (the way the
 * official SDKs do, dispatching a pending event at end of input) and reassembles the message.
 */
record SseTranscript(List<Event> events) {

    record Event(String name, JsonNode data) {
        String type() {
            return data.path("type").asText();
        }
    }

    static SseTranscript parse(String body) {
        List<Event> events = new ArrayList<>();
        String name = null;
        StringBuilder data = null;
        for (String line : body.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Event(name == null ? "message" : name, json(data.toString())));
                }
                name = null;
                data = null;
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                String value = line.substring(5);
                value = value.startsWith(" ") ? value.substring(1) : value;
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        if (data != null) {
            events.add(new Event(name == null ? "message" : name, json(data.toString())));
        }
        return new SseTranscript(events);
    }

    List<String> names() {
        return events.stream().map(Event::name).toList();
    }

    /** The input_json_delta fragments of block {@code index}, in order. */
    List<String> jsonFragments(int index) {
        return events.stream()
                .filter(e -> e.type().equals("content_block_delta") && e.data().path("index").asInt() == index
                        && e.data().path("delta").path("type").asText().equals("input_json_delta"))
                .map(e -> e.data().path("delta").path("partial_json").asText())
                .toList();
    }

    /** Checks the grammar: message_start, complete blocks, message_delta, message_stop; names match types. */
    void assertCompleteAnthropicStream() {
        List<Event> meaningful = events.stream().filter(e -> !e.type().equals("ping")).toList();
        events.forEach(e -> assertThat(e.name()).as("event name equals data.type").isEqualTo(e.type()));
        assertThat(meaningful.getFirst().type()).isEqualTo("message_start");
        assertThat(meaningful.getLast().type()).isEqualTo("message_stop");
        assertThat(meaningful.get(meaningful.size() - 2).type()).isEqualTo("message_delta");
        int open = -1;
        int nextIndex = 0;
        for (Event e : meaningful.subList(1, meaningful.size() - 2)) {
            int index = e.data().path("index").asInt(-1);
            switch (e.type()) {
                case "content_block_start" -> {
                    assertThat(open).as("no block open at start of " + index).isEqualTo(-1);
                    assertThat(index).isEqualTo(nextIndex++);
                    open = index;
                }
                case "content_block_delta" -> assertThat(index).isEqualTo(open);
                case "content_block_stop" -> {
                    assertThat(index).isEqualTo(open);
                    open = -1;
                }
                default -> throw new AssertionError("unexpected event inside message: " + e);
            }
        }
        assertThat(open).as("every block stopped").isEqualTo(-1);
    }

    /** The message the events describe: message_start's message with content and final delta applied. */
    ObjectNode reassemble() {
        ObjectNode message = null;
        Map<Integer, ObjectNode> blocks = new LinkedHashMap<>();
        Map<Integer, StringBuilder> partialJson = new LinkedHashMap<>();
        for (Event e : events) {
            JsonNode d = e.data();
            switch (e.type()) {
                case "message_start" -> message = (ObjectNode) d.get("message").deepCopy();
                case "content_block_start" -> blocks.put(d.get("index").asInt(), (ObjectNode) d.get("content_block").deepCopy());
                case "content_block_delta" -> {
                    int index = d.get("index").asInt();
                    ObjectNode block = blocks.get(index);
                    JsonNode delta = d.get("delta");
                    switch (delta.get("type").asText()) {
                        case "text_delta" -> block.put("text", block.get("text").asText() + delta.get("text").asText());
                        case "thinking_delta" -> block.put("thinking", block.get("thinking").asText() + delta.get("thinking").asText());
                        case "signature_delta" -> block.put("signature", block.get("signature").asText() + delta.get("signature").asText());
                        case "input_json_delta" -> partialJson.computeIfAbsent(index, i -> new StringBuilder())
                                .append(delta.get("partial_json").asText());
                        default -> throw new AssertionError("unknown delta " + delta);
                    }
                }
                case "message_delta" -> {
                    message.set("stop_reason", d.path("delta").get("stop_reason"));
                    message.set("usage", d.get("usage"));
                }
                default -> { }
            }
        }
        partialJson.forEach((index, text) -> blocks.get(index).set("input", json(text.toString())));
        ArrayNode content = Json.array();
        blocks.values().forEach(content::add);
        message.set("content", content);
        return message;
    }

    private static JsonNode json(String text) {
        try {
            return Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
