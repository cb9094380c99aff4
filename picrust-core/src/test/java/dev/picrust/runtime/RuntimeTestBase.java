package dev.picrust.runtime;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.AgentState;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Permissions;
import dev.picrust.permission.PermissionMode;
import dev.picrust.llm.Message;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A runtime on a temporary session store, and ways to wait for chunks. */
abstract class RuntimeTestBase {
    static final Duration WAIT = Duration.ofSeconds(TestTools.WAIT_SECONDS);

    @TempDir Path dir;
    SessionStore store;
    AgentRuntime runtime;

    @BeforeEach
    void startRuntime() {
        store = SessionStore.at(dir.resolve("sessions"));
        runtime = new AgentRuntime(store);
    }

    @AfterEach
    void stopRuntime() throws InterruptedException {
        runtime.close();
    }

    AgentConfig.Builder config(ScriptedProvider provider, Tool... tools) {
        return AgentConfig.builder(provider)
                .tools(new ToolRegistry().registerAll(List.of(tools)))
                .permissions(Permissions.defaults().withMode(PermissionMode.BYPASS_PERMISSIONS))
                .cachePolicy(dev.picrust.agent.context.CachePolicy.off())  // requests compared as stored
                .workingDirectory(dir);
    }

    /** The session's history as it is on disk. */
    List<Message> history(String sessionId) {
        return store.read(sessionId).messages();   // lock-free: the agent may still hold the session
    }

    /** Reads until a chunk matches; returns everything read, the match last. */
    static List<OutputChunk> until(Subscription sub, Predicate<OutputChunk> stop) throws InterruptedException {
        return dev.picrust.runtime.ChunkReader.until(sub, stop, WAIT);
    }

    static List<OutputChunk> untilDone(Subscription sub) throws InterruptedException {
        return until(sub, OutputChunk.Done.class::isInstance);
    }

    static OutputChunk.Done done(List<OutputChunk> chunks) {
        return (OutputChunk.Done) chunks.getLast();
    }

    static List<OutputChunk> untilIdle(Subscription sub) throws InterruptedException {
        return until(sub, c -> c instanceof OutputChunk.StateChange s && s.state() instanceof AgentState.Idle);
    }

    static <T extends OutputChunk> T first(List<OutputChunk> chunks, Class<T> type) {
        return chunks.stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + chunks));
    }

    /** Reads to the end of the agent's output; returns what was left. */
    static List<OutputChunk> readToEnd(Subscription sub) throws InterruptedException {
        List<OutputChunk> rest = new ArrayList<>();
        while (true) {
            var c = sub.poll(WAIT);
            if (c.isEmpty()) {
                assertThat(sub.isFinished()).as("the output ended").isTrue();
                return rest;
            }
            rest.add(c.get());
        }
    }
}
