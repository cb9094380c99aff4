package dev.picrust.tool.builtin;

import dev.picrust.sandbox.Sandbox;
import dev.picrust.sandbox.SandboxException;
import dev.picrust.secret.ToolEnvironment;
import dev.picrust.tool.ToolException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent's background shells ({@code Bash} with {@code run_in_background}), by id. One per agent,
 * obtained with {@code ctx.agentResource(BackgroundShells.class, BackgroundShells::new)}; closing it
 * (when the agent stops) kills every shell's process tree.
 */
final class BackgroundShells implements AutoCloseable {
    public static final int MAX_RUNNING = 16;

    private final Map<String, BackgroundShell> shells = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile boolean closed;

    public BackgroundShell start(String command, Path workingDirectory, Path logDirectory) throws IOException, ToolException {
        return start(command, workingDirectory, logDirectory, new Sandbox.Unconfined("no sandbox configured"),
                ToolEnvironment.defaults());
    }

    /** Starts a command in {@code sandbox} with the environment {@code environment} allows. */
    public BackgroundShell start(String command, Path workingDirectory, Path logDirectory, Sandbox sandbox,
                                 ToolEnvironment environment) throws IOException, ToolException {
        if (closed) {
            throw new ToolException("The agent is stopping; no new background commands can start.");
        }
        long running = shells.values().stream().filter(s -> s.status() == BackgroundShell.Status.RUNNING).count();
        if (running >= MAX_RUNNING) {
            throw new ToolException(running + " background commands are already running (the limit is " + MAX_RUNNING
                    + "). Stop some with KillBash first.");
        }
        String id = "bash_" + counter.incrementAndGet();
        BackgroundShell shell;
        try {
            shell = BackgroundShell.start(id, command, workingDirectory, logDirectory, sandbox, environment);
        } catch (SandboxException e) {
            throw new ToolException(e.getMessage());
        }
        shells.put(id, shell);
        if (closed) {
            shell.kill(); // close() raced with us: do not leave this one behind
        }
        return shell;
    }

    public Optional<BackgroundShell> find(String id) {
        return Optional.ofNullable(shells.get(id));
    }

    public List<BackgroundShell> list() {
        List<BackgroundShell> all = new ArrayList<>(shells.values());
        all.sort(java.util.Comparator.comparingInt(s -> Integer.parseInt(s.id().substring("bash_".length()))));
        return all;
    }

    /** Kills every background shell's process tree. */
    @Override
    public void close() {
        closed = true;
        shells.values().forEach(BackgroundShell::kill);
    }
}
