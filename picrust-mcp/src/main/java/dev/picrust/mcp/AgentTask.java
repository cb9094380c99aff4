package dev.picrust.mcp;

import dev.picrust.Cancellation;
import java.util.function.Consumer;

/** Work an MCP client can hand over: a task in words, progress lines while it runs, a text result. */
@FunctionalInterface
public interface AgentTask {

    /**
     * Runs the task to the end. {@code progress} may be called any number of times from the calling
     * thread. Throwing marks the call as failed (an error result, not a protocol error).
     */
    String run(String task, Consumer<String> progress, Cancellation cancellation) throws Exception;
}
