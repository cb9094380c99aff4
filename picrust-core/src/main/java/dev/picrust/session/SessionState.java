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

    /** Removes {@code key} durably before returning. */
    void remove(String key);
}
