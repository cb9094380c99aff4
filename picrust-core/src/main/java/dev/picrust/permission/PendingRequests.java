package dev.picrust.permission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.picrust.json.Json;
import dev.picrust.session.SessionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The requests an agent is waiting on, kept durably in its session state under
 * {@value #KEY} (a JSON array, so parallel tool calls can each wait).
 *
 * <p>Protocol: {@link #add} before emitting the request and waiting; {@link #remove} once it is
 * answered (after the decision is recorded); on resume, {@link #all} lists what to raise again with
 * the same ids. One instance per session; operations are atomic with respect to each other.
 */
public final class PendingRequests {
    public static final String KEY = "pending_requests";

    private final SessionState state;

    public PendingRequests(SessionState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    /** Writes {@code request} durably (replacing one with the same id). */
    public synchronized void add(PendingRequest request) {
        List<PendingRequest> requests = new ArrayList<>(all());
        requests.removeIf(r -> r.requestId().equals(request.requestId()));
        requests.add(request);
        write(requests);
    }

    /** Removes a request durably; false if it was not pending (already answered, or unknown). */
    public synchronized boolean remove(String requestId) {
        List<PendingRequest> requests = new ArrayList<>(all());
        boolean removed = requests.removeIf(r -> r.requestId().equals(requestId));
        if (removed) {
            write(requests);
        }
        return removed;
    }

    /** Every pending request, oldest first. Unreadable entries are skipped. */
    public synchronized List<PendingRequest> all() {
        Optional<JsonNode> stored = state.get(KEY);
        if (stored.isEmpty() || !stored.get().isArray()) {
            return List.of();
        }
        List<PendingRequest> requests = new ArrayList<>();
        for (JsonNode n : stored.get()) {
            try {
                requests.add(PendingRequest.fromJson(n));
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                // A malformed entry cannot be re-raised; leaving it out lets the rest resume.
            }
        }
        return List.copyOf(requests);
    }

    public synchronized Optional<PendingRequest> get(String requestId) {
        return all().stream().filter(r -> r.requestId().equals(requestId)).findFirst();
    }

    /** The pending request for a tool call, if any (to re-raise it when that call is re-run on resume). */
    public synchronized Optional<PendingRequest> forToolUse(String toolUseId) {
        for (PendingRequest r : all()) {  // asked for every tool call, nearly always of an empty list
            if (r.toolUseId().equals(toolUseId)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Requests whose deadline has passed at {@code now}. */
    public synchronized List<PendingRequest> expired(Instant now) {
        return all().stream().filter(r -> r.isExpired(now)).toList();
    }

    private void write(List<PendingRequest> requests) {
        if (requests.isEmpty()) {
            state.remove(KEY);
            return;
        }
        ArrayNode array = Json.array();
        requests.forEach(r -> array.add(r.toJson()));
        state.put(KEY, array);
    }
}
