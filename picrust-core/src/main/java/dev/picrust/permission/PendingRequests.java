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
import java.util.concurrent.locks.ReentrantLock;

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
    /** Held across a read-modify-write of the state, which writes the session: a lock a virtual thread can park on without pinning. */
    private final ReentrantLock lock = new ReentrantLock();

    public PendingRequests(SessionState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    /** Writes {@code request} durably (replacing one with the same id). */
    public void add(PendingRequest request) {
        lock.lock();
        try {
            List<PendingRequest> requests = new ArrayList<>(all());
            requests.removeIf(r -> r.requestId().equals(request.requestId()));
            requests.add(request);
            write(requests);
        } finally {
            lock.unlock();
        }
    }

    /** Removes a request durably; false if it was not pending (already answered, or unknown). */
    public boolean remove(String requestId) {
        lock.lock();
        try {
            List<PendingRequest> requests = new ArrayList<>(all());
            boolean removed = requests.removeIf(r -> r.requestId().equals(requestId));
            if (removed) {
                write(requests);
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Every pending request, oldest first. Unreadable entries are skipped. */
    public List<PendingRequest> all() {
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
        }
    }

    public Optional<PendingRequest> get(String requestId) {
        lock.lock();
        try {
            return all().stream().filter(r -> r.requestId().equals(requestId)).findFirst();
        } finally {
            lock.unlock();
        }
    }

    /** The pending request for a tool call, if any (to re-raise it when that call is re-run on resume). */
    public Optional<PendingRequest> forToolUse(String toolUseId) {
        lock.lock();
        try {
            for (PendingRequest r : all()) {  // asked for every tool call, nearly always of an empty list
                if (r.toolUseId().equals(toolUseId)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Requests whose deadline has passed at {@code now}. */
    public List<PendingRequest> expired(Instant now) {
        lock.lock();
        try {
            return all().stream().filter(r -> r.isExpired(now)).toList();
        } finally {
            lock.unlock();
        }
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
