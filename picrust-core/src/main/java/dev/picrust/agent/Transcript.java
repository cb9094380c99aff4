package dev.picrust.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.UsageTotals;
import dev.picrust.hook.HookFailure;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.permission.PermissionDecision;
import dev.picrust.session.AgentSession;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every line a turn writes to its session, and how soon each must be on disk. One rule, in
 * {@code canWait}: a step that only read (the model's message whose calls are all of read-only
 * tools, and their results when no user input rides along) and an automatic permission decision
 * become durable with the next line; everything else is durable when the call returns; and all of
 * it before the turn reports {@code done} ({@link #awaitDurable()}). A crash before a deferred line
 * is durable loses only a step that changed nothing: resume answers a dangling call as interrupted,
 * or the model is asked again.
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
    }

    /** The one place that decides: durable with the next line, or at once. */
    private boolean canWait(Line line) {
        return switch (line) {
            case Line.Step step -> step.alone() && onlyReadOnly(step.calls());
            case Line.Record record -> record.automatic();  // its call's result follows in the same batch
            case Line.Note note -> false;
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

    /** True if there are calls and every one is of a known read-only tool. */
    private boolean onlyReadOnly(List<ToolUseBlock> calls) {
        if (calls.isEmpty()) {
            return false;
        }
        for (ToolUseBlock call : calls) {
            Optional<Tool> tool = tools.find(call.name());
            if (tool.isEmpty() || !tool.get().readOnly()) {
                return false;
            }
        }
        return true;
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
