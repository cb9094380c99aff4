package dev.picrust.tool.builtin;

import dev.picrust.json.Json;
import dev.picrust.session.SessionState;
import dev.picrust.tool.ToolContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What files an agent has seen, for the read-before-write guard: Write and Edit may change an
 * existing file only after Read saw it and nothing changed it since (modification time and size as
 * recorded when it was read, or when the agent itself last wrote it). One per agent, obtained with
 * {@link #of(ToolContext)}; thread-safe.
 *
 * <p>It survives a resume: each file seen is also kept in the session's state (key
 * {@value #KEY_PREFIX} and the path), written "with the next" line like the Read result it goes
 * with, and a resumed agent's tracker starts from those. A file changed on disk since is still
 * caught, by its recorded time and size.
 */
final class FileReadTracker {
    static final String KEY_PREFIX = "file_seen:";

    /** A file's state when it was read or written. */
    public record Snapshot(FileTime modified, long size) {}

    private final Map<Path, Snapshot> seen = new ConcurrentHashMap<>();
    private final Optional<SessionState> state;

    private FileReadTracker(Optional<SessionState> state) {
        this.state = state;
    }

    /** A tracker that keeps nothing beyond this process (tests). */
    FileReadTracker() {
        this(Optional.empty());
    }

    /** The agent's tracker: on first use, what the session says it saw before (a resume). */
    static FileReadTracker of(ToolContext context) {
        return context.agentResource(FileReadTracker.class, () -> restore(context.sessionState()));
    }

    private static FileReadTracker restore(SessionState state) {
        FileReadTracker tracker = new FileReadTracker(Optional.of(state));
        state.snapshot().forEach((key, value) -> {
            if (key.startsWith(KEY_PREFIX) && value.isObject()) {
                try {
                    tracker.seen.put(Path.of(key.substring(KEY_PREFIX.length())), new Snapshot(
                            FileTime.from(Instant.parse(value.path("modified").asText())), value.path("size").asLong()));
                } catch (RuntimeException e) {
                    // a damaged entry: that file is simply not known as read
                }
            }
        });
        return tracker;
    }

    /** The file's current state (taken before reading it, so a change during the read is noticed later). */
    public static Snapshot snapshotOf(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new Snapshot(attributes.lastModifiedTime(), attributes.size());
    }

    /** Records that the agent has seen {@code file} in state {@code snapshot}. */
    public void record(Path file, Snapshot snapshot) {
        Path key = key(file);
        seen.put(key, snapshot);
        state.ifPresent(s -> s.putWithNext(KEY_PREFIX + key, Json.object()
                .put("modified", snapshot.modified().toInstant().toString()).put("size", snapshot.size())));
    }

    public Optional<Snapshot> lastSeen(Path file) {
        return Optional.ofNullable(seen.get(key(file)));
    }

    /**
     * Why the agent may not overwrite {@code file} now, or empty if it may (it does not exist, or
     * it is unchanged since the agent last saw it).
     */
    public Optional<String> whyNotWritable(Path file) {
        Snapshot current;
        try {
            current = snapshotOf(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("Cannot check " + file + ": " + e.getMessage());
        }
        Snapshot last = seen.get(key(file));
        if (last == null) {
            return Optional.of("File " + file + " exists but has not been read in this session. Read it first,"
                    + " then write or edit it.");
        }
        if (!last.equals(current)) {
            return Optional.of("File " + file + " has changed on disk since it was last read (modified "
                    + current.modified() + ", " + current.size() + " bytes; it was " + last.modified() + ", "
                    + last.size() + " bytes). Read it again before writing, so that changes made by someone"
                    + " else are not lost.");
        }
        return Optional.empty();
    }

    private static Path key(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }
}
