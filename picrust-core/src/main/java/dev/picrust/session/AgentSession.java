package dev.picrust.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.UsageTotals;
import dev.picrust.llm.Message;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One conversation, as a {@link SessionStore} keeps it: an append-only history of messages and
 * records, durable key/value {@link #state()}, and {@link SessionMetadata}. All methods are
 * thread-safe and may be called from virtual threads: an implementation never parks or does I/O
 * while holding a monitor.
 *
 * <p>Durability is what this interface promises, whatever the store: a line appended with
 * {@link #append}, {@link #appendRecord} or {@link #state()} survives a crash once the call returns;
 * one appended "with the next" survives once a later append of this session returns, or
 * {@link #awaitDurable()}, or {@link #close()}. Lines are kept in the order their appends returned;
 * a session reopened later sees exactly what was acknowledged, in that order. The conformance suite
 * {@code dev.picrust.testkit.session.SessionStoreContract} (in picrust-testkit) checks all of it.
 */
public interface AgentSession extends AutoCloseable {
    /**
     * The record kind of usage stored on a line of its own ({@link #appendRecord}): model calls whose
     * answer wrote no message. Its body is the {@link UsageTotals} JSON form.
     */
    String USAGE_RECORD = "usage";

    default String id() {
        return metadata().id();
    }

    SessionMetadata metadata();

    /**
     * Applies {@code change} to the metadata, stamps it updated now and stores it atomically: a
     * reader sees the old or the new metadata, never a mix, and concurrent updates are applied one
     * after the other (none is lost).
     */
    SessionMetadata updateMetadata(UnaryOperator<SessionMetadata> change);

    /** A snapshot of the conversation so far. */
    List<Message> messages();

    /** The last message of the conversation, if any (no snapshot of the whole history). */
    Optional<Message> lastMessage();

    int messageCount();

    /** Appends a message durably. */
    void append(Message message);

    /**
     * As {@link #append(Message)}, for a model's message together with what the call (or calls) that
     * produced it used: kept on the message's own line, as its {@code "usage"} field in the
     * {@link UsageTotals} JSON form, so that accounting costs no extra line, and added to {@link #usage()}.
     */
    void append(Message message, UsageTotals usage);

    /** As {@link #appendWithNext(Message)}, with the usage of the call that produced the message. */
    void appendWithNext(Message message, UsageTotals usage);

    /**
     * What the model calls of this session used: the usage stored in its history (read when it was
     * opened, so it survives resume) plus what was appended since, {@link #USAGE_RECORD} records included.
     */
    UsageTotals usage();

    /**
     * Appends a non-message record (permission decision, compaction marker, ...) durably.
     * {@code kind} is written as the {@code "record"} field, with a {@code "ts"} timestamp.
     */
    void appendRecord(String kind, ObjectNode body);

    /**
     * As {@link #append}, for a message that may become durable together with the next append of
     * this session (or its close, or {@link #awaitDurable}) rather than on return: a model's message
     * whose tool calls only read, so that losing it in a crash together with their results loses
     * nothing that happened. It is in {@link #messages()} at once.
     */
    void appendWithNext(Message message);

    /**
     * As {@link #appendRecord}, for a record that may become durable together with the next append
     * of this session (or its close, or {@link #awaitDurable}) rather than on return: an automatic
     * permission decision, whose tool's result is appended right after. It is in {@link #records()}
     * at once.
     */
    void appendRecordWithNext(String kind, ObjectNode body);

    /** Non-message, non-state records read when the session was opened or appended since, in order. */
    List<ObjectNode> records();

    /** Durable key/value state; the last write of a key wins when the session is opened again. */
    SessionState state();

    /**
     * Lets go of resources held since the last appends (a file descriptor, a connection); the next
     * append takes them again. Called before a long wait (a model call, a human, the end of a turn),
     * so waiting sessions hold none.
     */
    void release();

    /** Returns once every line appended so far, including those appended "with the next", is durable. */
    void awaitDurable();

    /**
     * Damage found and repaired while opening: torn or corrupt lines skipped, invalid UTF-8 replaced,
     * tool calls and results left unpaired by a lost line. Empty for a new session. The runtime
     * announces each as a {@code session_repaired} status.
     */
    List<String> loadWarnings();

    /** Makes everything appended durable and lets go of the session's resources. */
    @Override
    void close();
}
