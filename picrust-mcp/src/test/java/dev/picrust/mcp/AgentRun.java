package dev.picrust.mcp;

import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Permissions;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.ScriptedModel;
import dev.picrust.tool.ToolRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** A real agent (runtime, session on disk, loop) driven by a scripted model, for MCP tests. */
final class AgentRun implements AutoCloseable {
    final ScriptedModel model = new ScriptedModel();
    final AgentRuntime runtime;
    final AgentHandle handle;
    private final Subscription subscription;

    AgentRun(Path dir, ToolRegistry tools, Permissions permissions, boolean interactive) {
        runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")));
        AgentConfig config = AgentConfig.builder(model).tools(tools).permissions(permissions)
                .workingDirectory(dir).interactive(interactive).build();
        handle = runtime.spawn(config);
        subscription = handle.subscribe();
    }

    /** Sends a prompt and collects the chunks until the turn is done; {@code onChunk} sees each as it comes. */
    List<OutputChunk> turn(String prompt, Duration timeout, Consumer<OutputChunk> onChunk) throws InterruptedException {
        handle.send(prompt);
        List<OutputChunk> chunks = new ArrayList<>();
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("turn did not finish in " + timeout + "; chunks so far: " + chunks);
            }
            Optional<OutputChunk> next = subscription.poll(Duration.ofNanos(left));
            if (next.isEmpty()) {
                continue;
            }
            chunks.add(next.get());
            onChunk.accept(next.get());
            if (next.get() instanceof OutputChunk.Done) {
                return chunks;
            }
        }
    }

    List<OutputChunk> turn(String prompt) throws InterruptedException {
        return turn(prompt, Duration.ofSeconds(90), c -> { });
    }

    static List<OutputChunk.ToolEnd> toolEnds(List<OutputChunk> chunks) {
        return chunks.stream().filter(OutputChunk.ToolEnd.class::isInstance).map(OutputChunk.ToolEnd.class::cast).toList();
    }

    static String text(OutputChunk.ToolEnd end) {
        return new dev.picrust.llm.ToolResultBlock(end.id(), end.content(), end.isError()).text();
    }

    @Override
    public void close() throws InterruptedException {
        subscription.close();
        runtime.close();
    }
}
