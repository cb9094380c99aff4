package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.session.SessionState;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What has happened so far in one batch of tool calls. Results go to the history only when the whole
 * batch is done, so before the agent waits for a human (which may take longer than the process
 * lives) the finished results and the started calls are saved under the session state key
 * {@value #KEY}; calls with effects also record their start and result as they happen
 * ({@link Transcript#started}, {@link Transcript#finished}), which recovery adds in
 * ({@link #include}). A resumed agent then reuses finished results instead of running tools twice,
 * and answers a call that was running at the crash with a synthetic error.
 */
final class BatchProgress {
    static final String KEY = "tool_batch";

    private final SessionState state;
    /** Parallel calls report here; save() writes to the session under it, so not a monitor. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ToolResultBlock> finished = new LinkedHashMap<>();
    private final Set<String> started = new LinkedHashSet<>();
    private boolean saved;

    private BatchProgress(SessionState state) {
        this.state = state;
    }

    /** A fresh batch, or the saved progress of the batch a crash interrupted. */
    static BatchProgress load(SessionState state) {
        BatchProgress progress = new BatchProgress(state);
        Optional<JsonNode> saved = state.get(KEY);
        saved.ifPresent(node -> {
            node.path("finished").forEach(r -> {
                ToolResultBlock block = (ToolResultBlock) MessageCodec.fromJsonBlock(r);
                progress.finished.put(block.toolUseId(), block);
            });
            node.path("started").forEach(id -> progress.started.add(id.asText()));
            progress.saved = true;
        });
        return progress;
    }

    Map<String, ToolResultBlock> finished() {
        lock.lock();
        try {
            return Map.copyOf(finished);
        } finally {
            lock.unlock();
        }
    }

    Optional<ToolResultBlock> finishedResult(String toolUseId) {
        lock.lock();
        try {
            return Optional.ofNullable(finished.get(toolUseId));
        } finally {
            lock.unlock();
        }
    }

    /** True if this is the saved progress of a batch a crash (or a failure) interrupted. */
    boolean isSaved() {
        lock.lock();
        try {
            return saved;
        } finally {
            lock.unlock();
        }
    }

    /** Adds what the session recorded of calls with effects (each start and result is durable at once). */
    void include(Transcript.RecordedEffects effects) {
        lock.lock();
        try {
            started.addAll(effects.started());
            finished.putAll(effects.finished());
        } finally {
            lock.unlock();
        }
    }

    /** True if a saved batch says this call had started but not finished: it was running at the crash. */
    boolean wasRunningAtCrash(String toolUseId) {
        lock.lock();
        try {
            return started.contains(toolUseId) && !finished.containsKey(toolUseId);
        } finally {
            lock.unlock();
        }
    }

    void started(String toolUseId) {
        lock.lock();
        try {
            started.add(toolUseId);
        } finally {
            lock.unlock();
        }
    }

    void finished(ToolResultBlock result) {
        lock.lock();
        try {
            finished.put(result.toolUseId(), result);
        } finally {
            lock.unlock();
        }
    }

    /** Saves the progress durably; called before waiting for a human. */
    void save() {
        lock.lock();
        try {
            ObjectNode node = Json.object();
            ArrayNode done = node.putArray("finished");
            finished.values().forEach(r -> done.add(MessageCodec.toJson(r)));
            ArrayNode running = node.putArray("started");
            started.forEach(running::add);
            state.put(KEY, node);
            saved = true;
        } finally {
            lock.unlock();
        }
    }

    /** The batch's results are in the history: the saved progress is no longer needed. */
    void clear() {
        lock.lock();
        try {
            if (saved) {
                state.remove(KEY);
                saved = false;
            }
            finished.clear();
            started.clear();
        } finally {
            lock.unlock();
        }
    }
}
