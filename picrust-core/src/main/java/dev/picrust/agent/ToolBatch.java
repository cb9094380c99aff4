package dev.picrust.agent;

import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.util.List;
import java.util.Optional;

/**
 * What one batch of tool calls came to: exactly one result per call, in call order, and the reason
 * a hook gave for stopping the turn while the batch ran (calls not yet started then got "Not run").
 */
public final class ToolBatch {
    private final List<ToolUseBlock> calls;
    private final List<ToolResultBlock> results;
    private final Optional<String> stopReason;
    private final BatchProgress progress;

    ToolBatch(List<ToolUseBlock> calls, List<ToolResultBlock> results, Optional<String> stopReason,
              BatchProgress progress) {
        this.calls = calls;
        this.results = List.copyOf(results);
        this.stopReason = stopReason;
        this.progress = progress;
    }

    public List<ToolUseBlock> calls() {
        return calls;
    }

    public List<ToolResultBlock> results() {
        return results;
    }

    /** A hook asked to stop the turn: end it once these results are stored. */
    public Optional<String> stopReason() {
        return stopReason;
    }

    /** The results are in the history: progress saved for a crash is no longer needed. */
    void stored() {
        progress.clear();
    }
}
