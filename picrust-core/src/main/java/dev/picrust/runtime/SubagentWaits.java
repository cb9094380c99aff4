package dev.picrust.runtime;

import dev.picrust.event.AgentState;

import dev.picrust.agent.StandardAgent;
import java.util.LinkedHashSet;

/**
 * The children one parent is waiting for (a per-agent resource). Several Task calls can wait at
 * once; the parent's state names the most recent child still running until the last one ends.
 */
final class SubagentWaits {
    private final LinkedHashSet<String> running = new LinkedHashSet<>();

    synchronized void started(StandardAgent parent, String childSessionId) {
        running.add(childSessionId);
        parent.setState(new AgentState.WaitingForSubagent(childSessionId));
    }

    /** {@code afterwards} is the parent's state once no child is left (the calling tool still runs). */
    synchronized void ended(StandardAgent parent, String childSessionId, AgentState afterwards) {
        running.remove(childSessionId);
        parent.setState(running.isEmpty() ? afterwards : new AgentState.WaitingForSubagent(running.getLast()));
    }
}
