package dev.picrust.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/** Durable key/value state of a session (todo list, pending approvals, ...). The last write wins on load. */
public interface SessionState {

    Optional<JsonNode> get(String key);

    /** Every key and its value, as they are now. */
    Map<String, JsonNode> snapshot();

    /** Stores {@code value} durably before returning. */
    void put(String key, JsonNode value);

    /**
     * As {@link #put}, for a value that may become durable together with the session's next durable
     * line (or {@code awaitDurable}, or its close) rather than on return: something a read-only tool
     * learned, which a crash may lose together with that tool's result. Visible to {@link #get} at
     * once. By default it is simply durable at once.
     */
    default void putWithNext(String key, JsonNode value) {
        put(key, value);
    }

    /** Removes {@code key} durably before returning. */
    void remove(String key);
}
