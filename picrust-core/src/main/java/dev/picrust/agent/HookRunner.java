package dev.picrust.agent;

import dev.picrust.Cancellation;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import dev.picrust.event.StatusCode;
import dev.picrust.hook.HookContext;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookFailure;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookOutcome;
import dev.picrust.hook.HookRegistry;
import java.util.Optional;

/**
 * Runs an agent's hooks for one event and returns what they decided. Every hook failure is
 * announced ({@code hook_failed}) and recorded ({@code hook_failure}), never swallowed. Acting on
 * the outcome — a deny, a rewritten input, a stop — is the caller's: a stop is a value in the
 * returned {@link HookOutcome}, never a flag set behind the caller's back.
 */
public final class HookRunner {
    private final HookRegistry registry;
    private final HookContext context;
    private final CurrentTurn turn;
    private final OutputSink output;
    private final Transcript transcript;

    HookRunner(HookRegistry registry, HookContext context, CurrentTurn turn, OutputSink output, Transcript transcript) {
        this.registry = registry;
        this.context = context;
        this.turn = turn;
        this.output = output;
        this.transcript = transcript;
    }

    /** What hooks learn about this agent. */
    public HookContext context() {
        return context;
    }

    /** True if hooks are registered for {@code event}: lets callers skip building their input. */
    public boolean has(HookEvent event) {
        return registry.hasHooksFor(event);
    }

    public HookOutcome run(HookInput input) {
        if (!registry.hasHooksFor(input.event())) {
            return HookOutcome.none(input.event());
        }
        Optional<Cancellation> running = turn.cancellation();
        // An observer reports something that happened (a tool killed by the interrupt, say): it runs
        // even when the turn is already cancelled, bounded by its own timeout.
        boolean observesCancelledTurn = running.isPresent() && running.get().isCancelled()
                && input.event().kind() == HookEvent.Kind.OBSERVER;
        HookOutcome outcome = registry.run(input,
                running.isEmpty() || observesCancelledTurn ? Cancellation.none() : running.get());
        for (HookFailure failure : outcome.failures()) {
            output.publish(new OutputChunk.Status(StatusCode.HOOK_FAILED, failure.describe()));
            transcript.hookFailure(failure);
        }
        return outcome;
    }
}
