package dev.picrust.agent;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import dev.picrust.event.StatusCode;
import dev.picrust.llm.Role;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.permission.PendingRequest;
import dev.picrust.permission.PendingRequests;
import dev.picrust.session.SessionState;
import java.util.List;

/**
 * Picking up after a crash (or a turn that failed mid-batch): the assistant message is stored before
 * its tools run, so a process that died meanwhile leaves calls without results. Run once at start:
 * if one of them was waiting for a human, the turn goes on and raises the same request again;
 * otherwise every dangling call is answered, reusing results that finished before the crash.
 */
public final class Recovery {
    private final Transcript transcript;
    private final PendingRequests pending;
    private final SessionState state;
    private final OutputSink output;

    Recovery(Transcript transcript, PendingRequests pending, SessionState state, OutputSink output) {
        this.transcript = transcript;
        this.pending = pending;
        this.state = state;
        this.output = output;
    }

    /** Tool calls of the last message that have no results: only after a crash or failure mid-batch. */
    public List<ToolUseBlock> unansweredCalls() {
        return transcript.last()
                .filter(last -> last.role() == Role.ASSISTANT)
                .map(last -> Transcript.toolUsesOf(last.content()))
                .orElse(List.of());
    }

    /** True if the process stopped while one of the unanswered calls waited for a human. */
    public boolean waitingForHuman() {
        return unansweredCalls().stream().anyMatch(c -> pending.forToolUse(c.id()).isPresent());
    }

    /**
     * Answers every dangling call so the next request is valid: finished results are kept (saved
     * before a human wait, or recorded as each call with effects returned); a call with effects that
     * started is answered "started before a crash; it may or may not have taken effect", one that
     * never started "not run".
     */
    public void repair() {
        BatchProgress progress = BatchProgress.load(state);
        List<ToolUseBlock> dangling = unansweredCalls();
        if (!dangling.isEmpty()) {
            progress.include(transcript.recordedEffects(dangling));
        }
        HistoryRepair.missingToolResults(transcript.history(), progress.finished(),
                call -> transcript.fateOf(call, progress.wasRunningAtCrash(call.id()))).ifPresent(repair -> {
            transcript.note(repair);
            progress.clear();
            output.publish(new OutputChunk.Status(StatusCode.REPAIRED, "added results for "
                    + repair.content().size() + " tool call(s) left unfinished by a crash"));
        });
    }
}
