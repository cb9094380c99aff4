package dev.picrust.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One server-sent event: an {@code event:} name and a single-line {@code data:} payload. An empty
 * name writes no {@code event:} line, as OpenAI and Gemini streams have none.
 */
public record SseEvent(String event, String data) {
    public SseEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
        if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("SSE data must be one line: " + data);
        }
    }

    /** The event in wire form, ending with the blank line that dispatches it. */
    public String toWire() {
        return event.isEmpty() ? "data: " + data + "\n\n" : "event: " + event + "\ndata: " + data + "\n\n";
    }

    /** The concatenated wire form of a whole stream, UTF-8. */
    public static byte[] toBytes(List<SseEvent> events) {
        StringBuilder out = new StringBuilder();
        events.forEach(e -> out.append(e.toWire()));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
