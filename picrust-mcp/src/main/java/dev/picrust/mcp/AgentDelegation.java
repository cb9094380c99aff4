package dev.picrust.mcp;

import dev.picrust.Cancellation;
import dev.picrust.agent.AgentConfig;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An {@link AgentTask} that starts a fresh agent (new session) of the given config for each task,
 * sends the task as its prompt, reports each tool it uses as progress, and answers with the text of
 * its last reply. An interrupted call interrupts the agent. The session stays on disk.
 */
public record AgentDelegation(AgentRuntime runtime, AgentConfig config) implements AgentTask {

    @Override
    public String run(String task, Consumer<String> progress, Cancellation cancellation) throws Exception {
        AgentHandle handle = runtime.spawn(config);
        try (Subscription out = handle.subscribe(Integer.MAX_VALUE);
             Cancellation.Registration r = cancellation.onCancel(handle::interrupt)) {
            progress.accept("agent " + config.agentType() + " started (session " + handle.sessionId() + ")");
            handle.send(task);
            StringBuilder reply = new StringBuilder();
            Optional<String> error = Optional.empty();
            while (true) {
                Optional<OutputChunk> next = out.next();
                if (next.isEmpty()) {
                    throw new IllegalStateException("the agent stopped before finishing the task");
                }
                switch (next.get()) {
                    case OutputChunk.TextDelta t -> reply.append(t.text());
                    case OutputChunk.ToolStart s -> {
                        reply.setLength(0);  // only the text after the last tool call is the answer
                        progress.accept("using " + s.name());
                    }
                    case OutputChunk.ToolEnd e -> progress.accept(e.name() + (e.isError() ? " failed" : " done"));
                    case OutputChunk.Error e -> error = Optional.of(e.message());
                    case OutputChunk.Done d -> {
                        if (d.reason() != dev.picrust.event.EndReason.END_TURN) {
                            throw new IllegalStateException("the agent's turn ended: " + d.reason()
                                    + error.map(m -> " (" + m + ")").orElse(""));
                        }
                        return reply.toString();
                    }
                    default -> { }
                }
            }
        } finally {
            handle.shutdown();
            handle.awaitTermination(Duration.ofSeconds(30));
        }
    }
}
