package dev.picrust.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.UsageTotals;
import dev.picrust.hook.HookFailure;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.json.Json;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.permission.PermissionDecision;
import dev.picrust.session.AgentSession;
import dev.picrust.tool.ToolRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every line a turn writes to its session, and how soon each must be on disk. One rule, in
 * {@code canWait}: a model's message that calls tools, the results of a batch (when no user input
 * rides along) and an automatic permission decision become durable with the next line; everything
 * else is durable when the call returns; and all of it before the turn reports {@code done}
 * ({@link #awaitDurable()}).
 *
 * <p>That is safe because a call with effects (a tool that is not read-only) is bracketed by two
 * lines that are durable at once: {@link #started} before the tool runs (which also makes the
 * model's message durable: one force, where the message alone used to take it) and
 * {@link #finished} as soon as it returns. A crash therefore loses only what changed nothing: a
 * step of read-only calls, a call that never started, or a model message none of whose calls ran.
 * On resume a call with a start and no finish is answered "started before a crash; it may or may
 * not have taken effect" ({@link HistoryRepair}), never run again blindly.
 *
 * <p>The session holds a history file descriptor from a write until {@link #release()}, which is
 * called before every long wait (a model call, a human, the end of a turn), so waiting agents hold
 * none.
 */
public final class Transcript {
    private final AgentSession session;
    private final ToolRegistry tools;
    /** What model calls used since the last reply was written; it rides on the next reply's line. */
    private UsageTotals unwritten;

    Transcript(AgentSession session, ToolRegistry tools) {
        this.session = session;
        this.tools = tools;
    }

    /** What is written, as far as durability cares. */
    private sealed interface Line {
        /**
         * A model's message (with what its call used, when it is one), or the results of its calls;
         * {@code alone}: no user input rides along.
         */
        record Step(Message message, List<ToolUseBlock> calls, boolean alone, UsageTotals usage) implements Line {}

        /** Anything else in the conversation: a prompt, an interruption, a repair, kept input. */
        record Note(Message message) implements Line {}

        record Record(String kind, ObjectNode body, boolean automatic) implements Line {}

        /** A call with effects starts, or has finished: what resume must know to never repeat it blindly. */
        record Effect(String kind, ObjectNode body) implements Line {}
    }

    static final String TOOL_STARTED = "tool_started";
    static final String TOOL_FINISHED = "tool_finished";

    /** The one place that decides: durable with the next line, or at once. */
    private boolean canWait(Line line) {
        return switch (line) {
            // Calls with effects force it before they run (started); results of those are already on disk.
            case Line.Step step -> step.alone() && !step.calls().isEmpty();
            case Line.Record record -> record.automatic();  // its call's result follows in the same batch
            case Line.Note note -> false;
            case Line.Effect effect -> false;
        };
    }

    private void write(Line line) {
        boolean later = canWait(line);
        switch (line) {
            case Line.Step step when step.usage() != null -> {
                if (later) {
                    session.appendWithNext(step.message(), step.usage());
                } else {
                    session.append(step.message(), step.usage());
                }
            }
            case Line.Step step -> append(step.message(), later);
            case Line.Note note -> append(note.message(), later);
            case Line.Effect effect -> session.appendRecord(effect.kind(), effect.body());
            case Line.Record record -> {
                if (later) {
                    session.appendRecordWithNext(record.kind(), record.body());
                } else {
                    session.appendRecord(record.kind(), record.body());
                }
            }
        }
    }

    private void append(Message message, boolean later) {
        if (later) {
            session.appendWithNext(message);
        } else {
            session.append(message);
        }
    }

    // ---------------------------------------------------------------- what a turn writes

    /** The user's prompt, as the prompt hooks left it. */
    public void prompt(Message prompt) {
        write(new Line.Note(prompt));
    }

    /** The model's message: on disk before any tool with effects runs. */
    public void reply(Message reply) {
        UsageTotals used = unwritten;
        unwritten = null;
        write(new Line.Step(reply, toolUsesOf(reply.content()), true, used));
    }

    /**
     * What a model call used ({@link ModelCaller} hands it over); it is stored on the line of the
     * reply written next, or on a line of its own when the turn ends without one (an empty answer).
     */
    public void used(UsageTotals call) {
        unwritten = unwritten == null ? call : unwritten.plus(call);
    }

    /**
     * One user message with the batch's results in call order, then {@code alongside} (steering
     * input, an interruption marker); the batch's saved progress is dropped once it is written.
     */
    public void results(ToolBatch batch, List<ContentBlock> alongside) {
        List<ContentBlock> content = new ArrayList<>(batch.results().size() + alongside.size());
        content.addAll(batch.results());
        content.addAll(alongside);
        write(new Line.Step(Message.user(content), batch.calls(), alongside.isEmpty(), null));
        batch.stored();
    }

    /** Any other message: an interruption, a Stop hook's instruction, a repair, input kept at stop. */
    public void note(Message message) {
        write(new Line.Note(message));
    }

    /** How a tool call's permission was decided; {@code automatic} when no human answered. */
    public void decision(String toolUseId, String toolName, PermissionDecision decision, boolean automatic) {
        write(new Line.Record("permission_decision", decision.toRecord(toolUseId, toolName), automatic));
    }

    /**
     * A call with effects is about to run: on disk before it does, together with everything written
     * before it (the model's message that asked for it).
     */
    void started(ToolUseBlock call) {
        ObjectNode body = Json.object().put("tool_use_id", call.id()).put("name", call.name());
        write(new Line.Effect(TOOL_STARTED, body));
    }

    /** A call with effects returned: its result is on disk now, not only when its batch ends. */
    void finished(ToolResultBlock result) {
        ObjectNode body = Json.object();
        body.set("result", MessageCodec.toJson(result));
        write(new Line.Effect(TOOL_FINISHED, body));
    }

    /** True if {@code call} is of a known tool with effects (one that is not read-only). */
    boolean hasEffects(ToolUseBlock call) {
        return tools.find(call.name()).map(tool -> !tool.readOnly()).orElse(false);
    }

    /**
     * What to tell the model of a call a crash left without a result: {@code started} if it was
     * recorded as started. A read-only call is harmless either way; a call of a tool no longer known
     * that started is treated as one with effects.
     */
    HistoryRepair.Fate fateOf(ToolUseBlock call, boolean started) {
        boolean readOnly = tools.find(call.name()).map(tool -> tool.readOnly()).orElse(false);
        if (started) {
            return readOnly ? HistoryRepair.Fate.HARMLESS : HistoryRepair.Fate.STARTED;
        }
        return hasEffects(call) ? HistoryRepair.Fate.NOT_STARTED : HistoryRepair.Fate.HARMLESS;
    }

    /**
     * What the session recorded about {@code calls} (calls with effects): which started and which
     * finished, with their results. Reads every record, so only for recovery.
     */
    RecordedEffects recordedEffects(List<ToolUseBlock> calls) {
        Set<String> ids = new HashSet<>();
        calls.forEach(c -> ids.add(c.id()));
        Set<String> started = new LinkedHashSet<>();
        Map<String, ToolResultBlock> finished = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return new RecordedEffects(started, finished);
        }
        for (ObjectNode record : session.records()) {
            String kind = record.path("record").asText();
            if (kind.equals(TOOL_STARTED) && ids.contains(record.path("tool_use_id").asText())) {
                started.add(record.path("tool_use_id").asText());
            } else if (kind.equals(TOOL_FINISHED)) {
                try {
                    if (MessageCodec.fromJsonBlock(record.path("result")) instanceof ToolResultBlock result
                            && ids.contains(result.toolUseId())) {
                        finished.put(result.toolUseId(), result);
                    }
                } catch (RuntimeException e) {
                    // an unreadable result: the call counts as started, and is answered as such
                }
            }
        }
        return new RecordedEffects(started, finished);
    }

    /** Calls with effects that started, and those that finished with their results. */
    record RecordedEffects(Set<String> started, Map<String, ToolResultBlock> finished) {}

    public void hookFailure(HookFailure failure) {
        write(new Line.Record("hook_failure", failure.toJson(), false));
    }

    /** Returns once every line written so far is durable: before the turn reports done. */
    public void awaitDurable() {
        if (unwritten != null) {
            session.appendRecord(AgentSession.USAGE_RECORD, unwritten.toJson());
            unwritten = null;
        }
        session.awaitDurable();
    }

    /** Lets go of the history file's descriptor before a long wait; the next write opens it again. */
    public void release() {
        session.release();
    }

    // ---------------------------------------------------------------- reading

    public List<Message> history() {
        return session.messages();
    }

    public Optional<Message> last() {
        return session.lastMessage();
    }

    public boolean isEmpty() {
        return session.messageCount() == 0;
    }

    public boolean endsWithUserMessage() {
        return session.lastMessage().filter(last -> last.role() == Role.USER).isPresent();
    }

    /** The tool calls among {@code content}, in order (a plain loop: runs several times per model call). */
    static List<ToolUseBlock> toolUsesOf(List<ContentBlock> content) {
        List<ToolUseBlock> uses = null;
        for (ContentBlock b : content) {
            if (b instanceof ToolUseBlock u) {
                if (uses == null) {
                    uses = new ArrayList<>(2);
                }
                uses.add(u);
            }
        }
        return uses == null ? List.of() : List.copyOf(uses);
    }
}
