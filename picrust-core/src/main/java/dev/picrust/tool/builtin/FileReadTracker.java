package dev.picrust.tool.builtin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What files an agent has seen, for the read-before-write guard: Write and Edit may change an
 * existing file only after Read saw it and nothing changed it since (modification time and size as
 * recorded when it was read, or when the agent itself last wrote it). One per agent, obtained with
 * {@code ctx.agentResource(FileReadTracker.class, FileReadTracker::new)}; thread-safe.
 */
final class FileReadTracker {

    /** A file's state when it was read or written. */
    public record Snapshot(FileTime modified, long size) {}

    private final Map<Path, Snapshot> seen = new ConcurrentHashMap<>();

    /** The file's current state (taken before reading it, so a change during the read is noticed later). */
    public static Snapshot snapshotOf(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new Snapshot(attributes.lastModifiedTime(), attributes.size());
    }

    /** Records that the agent has seen {@code file} in state {@code snapshot}. */
    public void record(Path file, Snapshot snapshot) {
        seen.put(key(file), snapshot);
    }

    public Optional<Snapshot> lastSeen(Path file) {
        return Optional.ofNullable(seen.get(key(file)));
    }

    public void forget(Path file) {
        seen.remove(key(file));
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
