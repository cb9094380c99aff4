package dev.picrust.agent;

/**
 * What runs on an agent's thread: take input, run turns, until the inbox says stop. The runtime
 * runs any implementation with the same handle, output bus, session and hooks
 * ({@code runtime.spawn(config, loop)}); {@link StandardAgent} is the default. A loop gets every
 * service through {@link AgentInternals}; when {@link #run} returns (or throws), the runtime keeps
 * unprocessed input, runs SessionEnd hooks and closes the agent's resources.
 */
@FunctionalInterface
public interface AgentLoop {

    /**
     * The agent's life. Must not let a turn's failure escape (a failing turn ends with {@code error}
     * and {@code done}); return when {@link Inbox#next()} is empty.
     */
    void run(AgentInternals agent) throws InterruptedException;
}
