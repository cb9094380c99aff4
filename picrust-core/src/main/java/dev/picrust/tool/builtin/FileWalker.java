package dev.picrust.tool.builtin;

import dev.picrust.Cancellation;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Walks the regular files under a folder the way a developer expects a search to: {@code .git}
 * folders skipped, {@code .gitignore} files honoured (those of the repository above the start
 * folder too, and nested ones as they are met; the start folder itself is searched even if
 * ignored, since it was asked for explicitly), symlinked folders not followed (no loops),
 * unreadable folders passed over. Stops early when cancelled.
 */
final class FileWalker {

    /** A file found: its path and its path relative to the walk's base, with {@code /} separators. */
    record Found(Path path, String relative, BasicFileAttributes attributes) {}

    /** One .gitignore and the folder it applies to. */
    private record Scope(Path dir, GitIgnore ignore) {}

    private final Path base;
    private final Cancellation cancellation;

    /** @param base paths are reported relative to this folder */
    FileWalker(Path base, Cancellation cancellation) {
        this.base = base;
        this.cancellation = cancellation;
    }

    /** Visits every file under {@code start} (a folder at or below the base). */
    void walk(Path start, Consumer<Found> onFile) throws IOException {
        Deque<Scope> scopes = new ArrayDeque<>(outerScopes(start));
        Files.walkFileTree(start, new FileVisitor<>() {
            private final Deque<Boolean> pushed = new ArrayDeque<>();

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (cancellation.isCancelled()) {
                    return FileVisitResult.TERMINATE;
                }
                if (!dir.equals(start)) {
                    if (dir.getFileName().toString().equals(".git") || ignored(dir, true, scopes)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                }
                // The start folder's own .gitignore is already among the outer scopes.
                Optional<GitIgnore> own = dir.equals(start) ? Optional.empty() : GitIgnore.load(dir);
                own.ifPresent(ignore -> scopes.addLast(new Scope(dir, ignore)));
                pushed.push(own.isPresent());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (cancellation.isCancelled()) {
                    return FileVisitResult.TERMINATE;
                }
                BasicFileAttributes effective = attrs;
                if (attrs.isSymbolicLink()) {
                    try {
                        effective = Files.readAttributes(file, BasicFileAttributes.class);
                    } catch (IOException e) {
                        return FileVisitResult.CONTINUE; // dangling link
                    }
                }
                if (effective.isRegularFile() && !ignored(file, false, scopes)) {
                    onFile.accept(new Found(file, relative(file), effective));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (!pushed.isEmpty() && pushed.pop()) {
                    scopes.removeLast();
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    String relative(Path file) {
        Path rel = base.relativize(file);
        return rel.toString().replace(java.io.File.separatorChar, '/');
    }

    private static boolean ignored(Path path, boolean directory, Deque<Scope> scopes) {
        Boolean decision = null;
        for (Scope scope : scopes) {
            if (!path.startsWith(scope.dir()) || path.equals(scope.dir())) {
                continue;
            }
            String rel = scope.dir().relativize(path).toString().replace(java.io.File.separatorChar, '/');
            Optional<Boolean> d = scope.ignore().decide(rel, directory);
            if (d.isPresent()) {
                decision = d.get();
            }
        }
        return decision != null && decision;
    }

    /**
     * .gitignore files of the folders from the repository root (the nearest ancestor with a
     * {@code .git}) down to {@code start} inclusive. Outside a repository only {@code start}'s own.
     */
    private static List<Scope> outerScopes(Path start) {
        Path repoRoot = null;
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                repoRoot = p;
                break;
            }
        }
        List<Scope> scopes = new ArrayList<>();
        if (repoRoot == null) {
            GitIgnore.load(start).ifPresent(g -> scopes.add(new Scope(start, g)));
            return scopes;
        }
        List<Path> chain = new ArrayList<>();
        for (Path p = start; p != null && p.startsWith(repoRoot); p = p.getParent()) {
            chain.addFirst(p);
        }
        for (Path dir : chain) {
            GitIgnore.load(dir).ifPresent(g -> scopes.add(new Scope(dir, g)));
        }
        return scopes;
    }
}
