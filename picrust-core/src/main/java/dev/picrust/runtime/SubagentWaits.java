package dev.picrust.runtime;

import dev.picrust.agent.CurrentState;
import dev.picrust.event.AgentState;
import java.util.LinkedHashSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The children one parent is waiting for (a per-agent resource). Several Task calls can wait at
 * once; the parent's state names the most recent child still running until the last one ends.
 */
final class SubagentWaits {
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashSet<String> running = new LinkedHashSet<>();

    void started(CurrentState parent, String childSessionId) {
        lock.lock();
        try {
            running.add(childSessionId);
            parent.set(new AgentState.WaitingForSubagent(childSessionId));
        } finally {
            lock.unlock();
        }
    }

    /** {@code afterwards} is the parent's state once no child is left (the calling tool still runs). */
    void ended(CurrentState parent, String childSessionId, AgentState afterwards) {
        lock.lock();
        try {
            running.remove(childSessionId);
            parent.set(running.isEmpty() ? afterwards : new AgentState.WaitingForSubagent(running.getLast()));
        } finally {
            lock.unlock();
        }
    }
}
