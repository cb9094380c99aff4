package dev.picrust.session;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where sessions live: creates, opens, lists and deletes them, and reads their metadata. Lineage is
 * part of the metadata: a child names its parent ({@link SessionMetadata#parentId()}) and the parent
 * lists its children ({@link SessionMetadata#children()}), each updated through its own session.
 *
 * <p>The default store, {@link JsonlSessionStore}, keeps each session in a folder of its own
 * ({@code history.jsonl} + {@code metadata.json}) with a group-commit journal. Another store (a
 * database, a distributed log) implements this interface and {@link AgentSession}, and proves itself
 * against the conformance suite {@code dev.picrust.testkit.session.SessionStoreContract}.
 */
public interface SessionStore {

    /** The default store under {@code $PICRUST_HOME/sessions}, or {@code ~/.picrust/sessions}. */
    static SessionStore atDefaultLocation() {
        return at(home().resolve("sessions"));
    }

    /** The default store (append-only JSONL files with a group-commit journal) in {@code root}. */
    static SessionStore at(Path root) {
        return new JsonlSessionStore(root);
    }

    /** The PiCrust home folder: {@code $PICRUST_HOME} or {@code ~/.picrust}. */
    static Path home() {
        String env = System.getenv("PICRUST_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".picrust");
    }

    /**
     * Returns {@code id} if every store accepts it: 1-128 letters, digits, '.', '_' or '-', starting
     * with a letter or digit (ids become folder names, file names and URL segments).
     *
     * @throws IllegalArgumentException otherwise
     */
    static String requireValidId(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("invalid session id '" + id
                    + "': use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }

    /** Whether every store accepts {@code id} (see {@link #requireValidId}). */
    static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphanumeric && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Creates a new, empty session, open for appends.
     *
     * @throws SessionException if a session with this id exists
     * @throws IllegalArgumentException if the id is not {@linkplain #requireValidId valid}
     */
    AgentSession create(SessionMetadata metadata);

    /**
     * Opens an existing session with everything acknowledged so far, as its one writer: until it is
     * closed, another {@code open} or {@code create} of it - in this process or another sharing the
     * store - is refused with a {@link SessionException} naming the holder. A process that dies lets go
     * of it, however it dies.
     *
     * @throws SessionException if there is no such session, or it is open already
     */
    AgentSession open(String id);

    /**
     * The session as it is now, read without becoming its writer (it may be open elsewhere, and
     * appended to meanwhile). The default opens it, which is refused while a writer has it.
     *
     * @throws SessionException if there is no such session
     */
    default SessionSnapshot read(String id) {
        try (AgentSession session = open(id)) {
            return new SessionSnapshot(session.metadata(), session.messages(), session.records(),
                    session.state().snapshot(), session.loadWarnings(), session.usage());
        }
    }

    default boolean exists(String id) {
        return readMetadata(id).isPresent();
    }

    /** The session's metadata as last stored, or empty if there is no such session. */
    Optional<SessionMetadata> readMetadata(String id);

    /** All sessions with readable metadata, most recently updated first. */
    List<SessionMetadata> list();

    /** The children {@code parentId}'s metadata lists, in the order they were added; missing ones are left out. */
    default List<SessionMetadata> children(String parentId) {
        return readMetadata(parentId).map(parent -> parent.children().stream()
                        .flatMap(child -> readMetadata(child).stream())
                        .toList())
                .orElse(List.of());
    }

    /**
     * Deletes a session: its history, state and metadata. Lineage links in other sessions' metadata
     * stay as they are (a child keeps naming its parent).
     *
     * @throws SessionException if there is no such session, or it is open in this store
     */
    void delete(String id);

    /** Where this store keeps its sessions, for people (a folder, a database URL). */
    String location();

    /** Where this store keeps session {@code id}, for people. */
    String location(String id);
}
