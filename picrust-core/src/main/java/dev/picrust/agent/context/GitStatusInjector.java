package dev.picrust.agent.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code git status --short --branch} in the working directory with a timeout. Outside a
 * repository, without git, or past the timeout it adds nothing (and kills git if it overran). Where
 * git could find no repository it is not started at all (every {@code picrust run} builds a prompt
 * with this, and starting git only to hear "not a git repository" costs a process).
 */
final class GitStatusInjector implements ContextInjector {
    private static final int MAX_CHARS = 4000;

    private final Duration timeout;

    GitStatusInjector(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Optional<String> inject(InjectionContext context) throws InterruptedException {
        return status(context.workingDirectory(), timeout).map(text -> "git status:\n" + text);
    }

    /** {@code git status --short --branch} of {@code folder}; empty outside a repository, without git, or late. */
    static Optional<String> status(Path folder, Duration timeout) throws InterruptedException {
        if (!mayBeInRepository(folder)) {
            return Optional.empty();
        }
        Process process;
        try {
            process = new ProcessBuilder(List.of("git", "--no-optional-locks", "status", "--short", "--branch"))
                    .directory(folder.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            return Optional.empty();
        }
        // Output is read concurrently so a large status cannot fill the pipe and stall git.
        var output = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try (InputStream in = process.getInputStream()) {
                output.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.complete("");
            }
        });
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String text = output.get(timeout.toNanos(), TimeUnit.NANOSECONDS).strip();
            if (process.exitValue() != 0 || text.isEmpty()) {
                return Optional.empty();
            }
            if (text.length() > MAX_CHARS) {
                text = text.substring(0, MAX_CHARS) + "\n... (truncated)";
            }
            return Optional.of(text);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            return Optional.empty();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /**
     * Whether git could find a repository for {@code folder}: {@code GIT_DIR} is set, or a {@code .git}
     * (the folder of a repository, or the file of a worktree or submodule) is in the folder or a
     * parent. Git walks up the physical path, so symbolic links are resolved first.
     */
    static boolean mayBeInRepository(Path folder) {
        if (System.getenv("GIT_DIR") != null) {
            return true;
        }
        Path real;
        try {
            real = folder.toRealPath();
        } catch (IOException e) {
            return true;  // let git say what it makes of it
        }
        for (Path dir = real; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".git"))) {
                return true;
            }
        }
        return false;
    }
}
