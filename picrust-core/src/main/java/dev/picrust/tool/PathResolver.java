package dev.picrust.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Turns a path from tool input into an absolute path: relative paths resolve against the working
 * directory, {@code ~/} against the user's home. When confined, the path must lie inside one of
 * the allowed roots <em>after</em> symlinks are resolved, so a link inside a root that points
 * outside it cannot be used to escape; for a path that does not exist yet (a file about to be
 * written) the deepest existing ancestor is resolved and the rest appended.
 *
 * <p>{@link ToolContext#resolvePath} delegates here. Instances are immutable and thread-safe.
 */
public final class PathResolver {
    private final Path workingDirectory;
    private final List<Path> allowedRoots;

    /**
     * Resolves against {@code workingDirectory}; confined to {@code allowedRoots} (resolved to real
     * paths now; a root that does not exist yet is kept as its normalised absolute path) unless the
     * collection is empty.
     */
    public PathResolver(Path workingDirectory, Collection<Path> allowedRoots) {
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
        List<Path> roots = new ArrayList<>();
        for (Path root : allowedRoots) {
            roots.add(realPathOf(root.toAbsolutePath()));
        }
        this.allowedRoots = List.copyOf(roots);
    }

    /** Resolves against {@code workingDirectory}; any path on the machine is allowed. */
    public static PathResolver unconfined(Path workingDirectory) {
        return new PathResolver(workingDirectory, List.of());
    }

    /** Resolves against {@code workingDirectory} and refuses anything outside {@code allowedRoots} (symlinks resolved). */
    public static PathResolver confined(Path workingDirectory, Collection<Path> allowedRoots) {
        if (allowedRoots.isEmpty()) {
            throw new IllegalArgumentException("a confined resolver needs at least one allowed root");
        }
        return new PathResolver(workingDirectory, allowedRoots);
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    /** The allowed roots (real paths); empty when unconfined. */
    public List<Path> allowedRoots() {
        return allowedRoots;
    }

    public boolean isConfined() {
        return !allowedRoots.isEmpty();
    }

    /**
     * The absolute path for {@code path}. Unconfined, it is normalised but symlinks are kept (so
     * messages show the name the model used); confined, it is the real path that was checked.
     *
     * @throws ToolException if the path is empty, malformed, or outside the allowed roots
     */
    public Path resolve(String path) throws ToolException {
        if (path == null || path.isBlank()) {
            throw new ToolException("A file path is required (got an empty path).");
        }
        Path raw;
        try {
            raw = toAbsolute(path);
        } catch (InvalidPathException e) {
            throw new ToolException("Invalid path '" + path + "': " + e.getReason());
        }
        if (!isConfined()) {
            return raw.normalize();
        }
        Path real = realPathOf(raw);
        for (Path root : allowedRoots) {
            if (real.startsWith(root)) {
                return real;
            }
        }
        String where = real.equals(raw.normalize()) ? "" : " (it resolves to " + real + ")";
        throw new ToolException("Access denied: " + path + " is outside the allowed directories" + where
                + ". Allowed: " + String.join(", ", allowedRoots.stream().map(Path::toString).toList()) + ".");
    }

    private Path toAbsolute(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            Path home = Path.of(System.getProperty("user.home"));
            return path.length() <= 2 ? home : home.resolve(path.substring(2));
        }
        Path p = Path.of(path);
        return p.isAbsolute() ? p : workingDirectory.resolve(p);
    }

    /**
     * The real path of {@code path}: the deepest existing ancestor is resolved by the file system
     * (which handles symlinks and {@code ..} after them correctly) and the missing tail is
     * appended and normalised. Not lexically normalised first: {@code link/..} must mean the parent
     * of the link's target, as the OS would see it. A dangling symlink is followed to where it
     * points, since writing through it would create the file there.
     */
    private static Path realPathOf(Path absolute) {
        return realPathOf(absolute, 0);
    }

    private static Path realPathOf(Path absolute, int linkDepth) {
        Path existing = absolute;
        List<Path> missing = new ArrayList<>();
        while (existing != null) {
            Path resolved = null;
            if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    resolved = existing.toRealPath();
                } catch (IOException e) {
                    resolved = danglingLinkTarget(existing, linkDepth);
                }
            }
            if (resolved != null) {
                for (int i = missing.size() - 1; i >= 0; i--) {
                    resolved = resolved.resolve(missing.get(i));
                }
                return resolved.normalize();
            }
            Path name = existing.getFileName();
            if (name != null) {
                missing.add(name);
            }
            existing = existing.getParent();
        }
        return absolute.normalize();
    }

    private static Path danglingLinkTarget(Path link, int linkDepth) {
        if (!Files.isSymbolicLink(link) || linkDepth > 40) {
            return null;
        }
        try {
            Path target = Files.readSymbolicLink(link);
            Path parent = link.getParent();
            Path absoluteTarget = target.isAbsolute() || parent == null ? target : parent.resolve(target);
            return realPathOf(absoluteTarget, linkDepth + 1);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return isConfined() ? "PathResolver[" + workingDirectory + ", confined to " + allowedRoots + "]"
                : "PathResolver[" + workingDirectory + "]";
    }
}
