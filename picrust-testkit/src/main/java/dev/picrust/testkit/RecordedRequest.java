package dev.picrust.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as {@link MockLlmServer} received it. {@code headers} is keyed
 * case-insensitively; {@code body} is the parsed JSON body ({@code NullNode} when empty, a text
 * node holding the raw text when it was not JSON). Treat {@code body} as read-only: it is shared
 * with the responder that answered the request.
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers,
                              JsonNode body, Instant receivedAt) {
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(receivedAt, "receivedAt");
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values), (a, b) -> {
            List<String> all = new ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }));
        headers = Collections.unmodifiableMap(copy);
    }

    /** The first value of a header, looked up ignoring case. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** All values of a header, looked up ignoring case. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** The API the request speaks, told by its path. */
    public WireFormat wireFormat() {
        return WireFormat.ofPath(path);
    }

    /** Whether the request asks for an SSE stream ({@code "stream": true}, or Gemini's streaming method). */
    public boolean isStreaming() {
        return wireFormat() == WireFormat.GEMINI ? path.contains(":streamGenerateContent")
                : body.path("stream").asBoolean(false);
    }

    /** The body's {@code messages}, decoded; fails if they are not in the Anthropic shape (see {@link #wireFormat()}). */
    public List<Message> messages() {
        List<Message> messages = new ArrayList<>();
        body.path("messages").forEach(node -> messages.add(MessageCodec.fromJson(node)));
        return messages;
    }
}
