package dev.picrust.agent;

import dev.picrust.Cancellation;
import dev.picrust.permission.PendingRequest;
import dev.picrust.permission.PendingRequests;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.event.AgentState;
import dev.picrust.event.OutputChunk;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent's open requests to a human: permission requests and questions. Each is written to the
 * session before the agent waits (so a crash loses nothing and a resumed agent raises the same
 * request id again), announced as a chunk, and waited for without holding any lock. Answers arrive
 * through the handle; an interrupt cancels the wait; a deadline turns silence into "no answer".
 */
final class HumanRequests {
    private final StandardAgent agent;
    private final PendingRequests pending;
    private final Map<String, Open> open = new ConcurrentHashMap<>();

    private record Open(PendingRequest.Kind kind, CompletableFuture<Object> answer) {}

    HumanRequests(StandardAgent agent) {
        this.agent = agent;
        this.pending = new PendingRequests(agent.session().state());
    }

    PendingRequests pending() {
        return pending;
    }

    /** True if someone answers requests through the handle. */
    boolean canAnswer() {
        return agent.config().interactive();
    }

    /**
     * Raises a permission request (or re-raises a stored one with the same id) and waits. Empty if
     * the deadline passed first.
     */
    Optional<PermissionAnswer> askPermission(PendingRequest request, Cancellation cancellation)
            throws InterruptedException {
        return await(request, cancellation,
                () -> agent.emit(new OutputChunk.PermissionRequest(request.requestId(), request.toolUseId(),
                        request.toolName(), request.input(), request.reason())),
                new AgentState.WaitingForPermission(request.requestId(), request.toolName()))
                .map(PermissionAnswer.class::cast);
    }

    /** Raises a question request (or re-raises a stored one) and waits for the answers. */
    @SuppressWarnings("unchecked")
    Optional<Map<String, String>> askQuestions(PendingRequest request, Cancellation cancellation)
            throws InterruptedException {
        return await(request, cancellation,
                () -> agent.emit(new OutputChunk.Question(request.requestId(), request.toolUseId(), request.input())),
                new AgentState.WaitingForAnswer(request.requestId()))
                .map(answers -> (Map<String, String>) answers);
    }

    private Optional<Object> await(PendingRequest request, Cancellation cancellation, Runnable announce,
                                   AgentState waiting) throws InterruptedException {
        if (request.isExpired(Instant.now())) {
            return Optional.empty();
        }
        if (pending.get(request.requestId()).isEmpty()) {
            pending.add(request);  // durable before anyone can see the request
        }
        agent.session().release();  // a human may take hours: hold no descriptor meanwhile
        CompletableFuture<Object> answer = new CompletableFuture<>();
        open.put(request.requestId(), new Open(request.kind(), answer));
        AgentState before = agent.state();
        try (Cancellation.Registration r = cancellation.onCancel(() -> answer.cancel(false))) {
            agent.setState(waiting);
            announce.run();
            Optional<Duration> remaining = request.remaining(Instant.now());
            return Optional.of(remaining.isPresent()
                    ? answer.get(Math.max(1, remaining.get().toMillis()), TimeUnit.MILLISECONDS)
                    : answer.get());
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("answer failed", e.getCause());
        } finally {
            open.remove(request.requestId());
            agent.setState(before);
        }
    }

    /** Called after the answer was applied and recorded, so a crash before it re-raises the request. */
    void resolved(String requestId) {
        pending.remove(requestId);
    }

    /** Completes an open request of the given kind; false if no such request is waiting. */
    boolean answer(String requestId, PendingRequest.Kind kind, Object answer) {
        Open waiting = open.get(requestId);
        return waiting != null && waiting.kind() == kind && waiting.answer().complete(answer);
    }
}
