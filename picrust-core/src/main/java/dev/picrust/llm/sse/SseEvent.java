package dev.picrust.llm.sse;

import java.util.Objects;
import java.util.Optional;

/**
 * One dispatched server-sent event.
 *
 * @param event the {@code event:} field, or {@code message} when the event named none
 * @param data  the {@code data:} lines joined with {@code \n}
 * @param id    the last event id in effect when this event was dispatched (ids persist across
 *              events, as in the WHATWG model); empty when none was set or it was reset
 */
public record SseEvent(String event, String data, Optional<String> id) {
    public SseEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(id, "id");
    }

    public SseEvent(String event, String data) {
        this(event, data, Optional.empty());
    }
}
