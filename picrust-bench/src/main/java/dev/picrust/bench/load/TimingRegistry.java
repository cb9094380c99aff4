package dev.picrust.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link AgentTimings} of every agent, keyed by the agent's thread: the runtime gives each agent
 * one thread for life, and both the model call and a single tool call run on it, so the thread
 * identifies the agent without any per-agent configuration.
 */
final class TimingRegistry {
    private final ConcurrentHashMap<Thread, AgentTimings> byThread = new ConcurrentHashMap<>();

    AgentTimings current() {
        return byThread.computeIfAbsent(Thread.currentThread(), t -> new AgentTimings());
    }

    List<AgentTimings> all() {
        return new ArrayList<>(byThread.values());
    }

    /** Forgets everything, so the heap measured afterwards holds no harness state per agent. */
    void clear() {
        byThread.clear();
    }
}
