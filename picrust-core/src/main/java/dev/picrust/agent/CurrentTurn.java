package dev.picrust.agent;

import dev.picrust.Cancellation;
import java.util.Optional;

/**
 * The cancellation of the turn that is running, if any, and whether the agent is shutting down.
 * The loop begins and ends turns; the handle interrupts and shuts down from any thread.
 */
public final class CurrentTurn {
    /** Only the agent tracks its turns; loops read them through {@link AgentInternals}. */
    CurrentTurn() {}

    private volatile Cancellation current;
    private volatile boolean shuttingDown;

    /** A turn starts; its cancellation is already cancelled when a shutdown came first. */
    public Cancellation begin() {
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
