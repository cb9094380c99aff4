package dev.picrust.agent;

import dev.picrust.permission.ProtectedPaths;
import dev.picrust.permission.RuleStore;
import dev.picrust.sandbox.BubblewrapSandbox;
import dev.picrust.sandbox.Sandbox;
import dev.picrust.sandbox.SandboxMode;
import dev.picrust.session.SessionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's sandbox for its shell commands, with the private {@code /tmp} folder it owns: created
 * at the agent's first command, deleted when the agent stops (an agent resource).
 */
final class AgentSandbox implements AutoCloseable {
    /** Made on first use: SLF4J's start looks for providers on the class path, which opens the jar (~20 ms of a CLI run). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(AgentSandbox.class);
    }

    private final Sandbox sandbox;
    private final Path privateTemp;

    private AgentSandbox(Sandbox sandbox, Path privateTemp) {
        this.sandbox = sandbox;
        this.privateTemp = privateTemp;
    }

    static AgentSandbox create(AgentConfig config) {
        Path home = config.permissions().store().map(RuleStore::home).orElseGet(SessionStore::home);
        Path wd = config.workingDirectory();
        Path temp;
        try {
            temp = Files.createTempDirectory("picrust-sandbox-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sandbox's temp folder", e);
        }
        ProtectedPaths guarded = ProtectedPaths.standard(home, wd);
        Sandbox sandbox = Sandbox.resolve(config.sandbox(), !config.interactive(), wd, guarded.paths(), temp);
        if (sandbox instanceof BubblewrapSandbox) {
            // A folder that does not exist cannot be mounted read-only; created empty, it can, and the
            // command cannot make its own PiCrust home or project settings appear in it.
            createQuietly(home);
            createQuietly(wd.resolve(".picrust"));
        } else {
            deleteTree(temp);
            if (config.sandbox().mode() != SandboxMode.OFF && !config.interactive()) {
                Log.LOG.warn("agent type {}: shell commands are {}", config.agentType(), sandbox.describe());
            }
        }
        return new AgentSandbox(sandbox, temp);
    }

    Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public void close() {
        if (sandbox instanceof BubblewrapSandbox) {
            deleteTree(privateTemp);
        }
    }

    private static void createQuietly(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            // Left unprotected by the mount; the permission check still asks before writes to it.
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Temp files left behind are the operating system's to clean.
        }
    }
}
