package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.event.AgentState;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import dev.picrust.permission.PendingRequest;
import dev.picrust.permission.PendingRequests;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.tool.ToolException;
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
public final class HumanRequests {
    private final PendingRequests pending;
    private final boolean interactive;
    private final Optional<Duration> timeout;
    private final CurrentState state;
    private final OutputSink output;
    private final Transcript transcript;
    private final Map<String, Open> open = new ConcurrentHashMap<>();

    private record Open(PendingRequest.Kind kind, CompletableFuture<Object> answer) {}

    HumanRequests(PendingRequests pending, boolean interactive, Optional<Duration> timeout, CurrentState state,
                  OutputSink output, Transcript transcript) {
        this.pending = pending;
        this.interactive = interactive;
        this.timeout = timeout;
        this.state = state;
        this.output = output;
        this.transcript = transcript;
    }

    /** The requests stored in the session, open or left open by a crash. */
    public PendingRequests pending() {
        return pending;
    }

    /** True if someone answers requests through the handle. */
    public boolean canAnswer() {
        return interactive;
    }

    /**
     * Raises a permission request (or re-raises a stored one with the same id) and waits. Empty if
     * the deadline passed first.
     */
    Optional<PermissionAnswer> askPermission(PendingRequest request, Cancellation cancellation)
            throws InterruptedException {
        return await(request, cancellation,
                () -> output.publish(new OutputChunk.PermissionRequest(request.requestId(), request.toolUseId(),
                        request.toolName(), request.input(), request.reason())),
                new AgentState.WaitingForPermission(request.requestId(), request.toolName()))
                .map(PermissionAnswer.class::cast);
    }

    /**
     * Asks the questions of the AskUserQuestion call {@code toolUseId} (or re-raises the stored
     * request after a crash) and waits for the answers; {@code progress} is saved first, so a crash
     * while waiting reruns no finished tool.
     */
    @SuppressWarnings("unchecked")
    Map<String, String> askQuestions(String toolUseId, JsonNode questions, Cancellation cancellation,
                                     BatchProgress progress) throws ToolException, InterruptedException {
        if (!canAnswer()) {
            throw new ToolException("No one can answer questions in this run (it is headless); "
                    + "decide with the information you have, or state your assumptions.");
        }
        PendingRequest request = pending.forToolUse(toolUseId)
                .filter(p -> p.kind() == PendingRequest.Kind.QUESTION)
                .orElseGet(() -> PendingRequest.question(toolUseId, questions, Instant.now(), timeout));
        progress.save();
        Optional<Object> answers;
        try {
            answers = await(request, cancellation,
                    () -> output.publish(new OutputChunk.Question(request.requestId(), request.toolUseId(),
                            request.input())),
                    new AgentState.WaitingForAnswer(request.requestId()));
        } finally {
            resolved(request.requestId());  // answered, timed out or interrupted: no longer open
        }
        return answers.map(a -> (Map<String, String>) a).orElseThrow(() -> new ToolException(
                "Nobody answered the question in time; decide with the information you have."));
    }

    private Optional<Object> await(PendingRequest request, Cancellation cancellation, Runnable announce,
                                   AgentState waiting) throws InterruptedException {
        if (request.isExpired(Instant.now())) {
            return Optional.empty();
        }
        if (pending.get(request.requestId()).isEmpty()) {
            pending.add(request);  // durable before anyone can see the request
        }
        transcript.release();  // a human may take hours: hold no descriptor meanwhile
        CompletableFuture<Object> answer = new CompletableFuture<>();
        open.put(request.requestId(), new Open(request.kind(), answer));
        AgentState before = state.get();
        try (Cancellation.Registration r = cancellation.onCancel(() -> answer.cancel(false))) {
            state.set(waiting);
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
            state.set(before);
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
