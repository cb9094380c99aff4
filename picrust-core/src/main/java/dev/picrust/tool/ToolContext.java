package dev.picrust.tool;

import dev.picrust.Cancellation;
import dev.picrust.event.OutputChunk;
import dev.picrust.sandbox.Sandbox;
import dev.picrust.secret.ToolEnvironment;
import dev.picrust.session.SessionState;
import java.nio.file.Path;
import java.util.function.Supplier;

/** What a running tool call may see and use. One instance per call. */
public interface ToolContext {

    String sessionId();

    /** The id of the tool_use block being executed. */
    String toolUseId();

    String toolName();

    /** The agent's working directory; relative paths resolve against it. */
    Path workingDirectory();

    /**
     * Resolves a path from tool input against the working directory and, when the agent is
     * confined, refuses paths outside its allowed roots (symlinks resolved).
     */
    Path resolvePath(String path) throws ToolException;

    /** Cancelled when the turn is interrupted or the agent shuts down. */
    Cancellation cancellation();

    /** Announces a chunk to the agent's subscribers. */
    void emit(OutputChunk chunk);

    /** Streams live output of this call to subscribers as a {@code tool_progress} chunk. */
    default void progress(String text) {
        emit(new OutputChunk.ToolProgress(toolUseId(), toolName(), text));
    }

    /** Durable key/value state kept in the session (survives resume). */
    SessionState sessionState();

    /**
     * A per-agent object of the given type, created on first use. If it is {@link AutoCloseable} it
     * is closed when the agent stops (background processes, caches).
     */
    <T> T agentResource(Class<T> type, Supplier<T> factory);

    /** Asks the user questions and blocks for the answers (AskUserQuestion). */
    UserQuestions userQuestions();

    /** Where this agent's shell commands run. Unconfined unless the agent has a sandbox. */
    default Sandbox sandbox() {
        return new Sandbox.Unconfined("no sandbox configured");
    }

    /** Which environment variables processes started by tools inherit (credentials are removed by default). */
    default ToolEnvironment environment() {
        return ToolEnvironment.defaults();
    }

    /**
     * True if the agent's Read rules let it read {@code file} (absolute). Tools that read many files
     * (Grep, Glob) ask for each one and skip what is denied; the permission check before the call only
     * saw the folder they were given.
     */
    default boolean mayRead(Path file) {
        return true;
    }
}
