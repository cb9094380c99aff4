package dev.picrust.agent;

import dev.picrust.Cancellation;
import java.util.Optional;

/**
 * The cancellation of the turn that is running, if any, and whether the agent is shutting down.
 * The loop begins and ends turns; the handle interrupts and shuts down from any thread.
 */
public final class CurrentTurn {
    /** Runs when a turn begins, on the agent's thread: changes that wait for a turn boundary (a model switch). */
    private final Runnable atBoundary;

    /** Only the agent tracks its turns; loops read them through {@link AgentInternals}. */
    CurrentTurn() {
        this(() -> { });
    }

    CurrentTurn(Runnable atBoundary) {
        this.atBoundary = atBoundary;
    }

    private volatile Cancellation current;
    private volatile boolean shuttingDown;

    /**
     * A turn starts; its cancellation is already cancelled when a shutdown came first. Every loop
     * calls this first, so it is where a model switch asked for since the last turn takes effect.
     */
    public Cancellation begin() {
        atBoundary.run();
        Cancellation cancellation = new Cancellation();
        current = cancellation;
        if (shuttingDown) {
            cancellation.cancel();  // shutdown() ran before the turn was visible to it
        }
        return cancellation;
    }

    public void end() {
        current = null;
    }

    /** The running turn's cancellation; empty between turns. */
    public Optional<Cancellation> cancellation() {
        return Optional.ofNullable(current);
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }

    /** Cancels the running turn, if any; the agent stays alive. */
    void interrupt() {
        Cancellation turn = current;
        if (turn != null) {
            turn.cancel();
        }
    }

    void shutdown() {
        shuttingDown = true;
        interrupt();
    }
}
