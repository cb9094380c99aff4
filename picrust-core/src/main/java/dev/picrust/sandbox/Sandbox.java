package dev.picrust.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an agent's shell commands run: unconfined, in a bubblewrap sandbox, or nowhere (the sandbox
 * was required but cannot run here). Resolve one per agent with {@link #resolve}.
 */
public sealed interface Sandbox permits Sandbox.Unconfined, Sandbox.Unavailable, BubblewrapSandbox {

    /** Commands run with the agent process's rights; {@code why} says why (for status and docs). */
    record Unconfined(String why) implements Sandbox {}

    /** The sandbox was required ({@link SandboxMode#ON}) but cannot run: commands are refused. */
    record Unavailable(String why) implements Sandbox {}

    /**
     * The argv that runs {@code command} (e.g. {@code bash -c ...}) inside this sandbox, with
     * {@code alsoReadable} visible read-only (the tool's saved-output folder).
     *
     * @throws SandboxException if this sandbox cannot run commands
     */
    default List<String> wrap(List<String> command, List<Path> alsoReadable) throws SandboxException {
        return switch (this) {
            case Unconfined u -> command;
            case Unavailable u -> throw new SandboxException("The sandbox is required for shell commands but cannot run"
                    + " here (" + u.why() + "), so the command was not run.");
            case BubblewrapSandbox b -> b.argv(command, alsoReadable);
        };
    }

    /** Variables the command needs inside the sandbox (its private temp folder). */
    default Map<String, String> environment() {
        return this instanceof BubblewrapSandbox ? Map.of("TMPDIR", "/tmp") : Map.of();
    }

    /** One line for people: what confines the commands, or why nothing does. */
    default String describe() {
        return switch (this) {
            case Unconfined u -> "not sandboxed: " + u.why();
            case Unavailable u -> "sandbox required but unavailable: " + u.why();
            case BubblewrapSandbox b -> "sandboxed (bubblewrap): writable " + b.writable() + " and a private /tmp, network "
                    + (b.network() ? "on" : "off");
        };
    }

    /**
     * Chooses the sandbox for one agent. {@code headless}: nobody can answer approvals (the default
     * mode sandboxes exactly those). {@code workspace}: the working directory; {@code protectedPaths}
     * stay read-only even inside it; {@code privateTemp} becomes the command's {@code /tmp}.
     */
    static Sandbox resolve(SandboxSettings settings, boolean headless, Path workspace, List<Path> protectedPaths,
                           Path privateTemp) {
        if (!settings.mode().confines(headless)) {
            return new Unconfined(settings.mode() == SandboxMode.OFF ? "the sandbox is off"
                    : "interactive agent (a human approves commands); set the sandbox on to confine it too");
        }
        Optional<String> problem = BubblewrapSandbox.availability();
        if (problem.isPresent()) {
            return settings.mode() == SandboxMode.ON ? new Unavailable(problem.get()) : new Unconfined(problem.get());
        }
        List<Path> writable = new ArrayList<>();
        writable.add(workspace);
        writable.addAll(settings.writable());
        return new BubblewrapSandbox(BubblewrapSandbox.findExecutable().orElseThrow(), writable, protectedPaths,
                privateTemp, settings.network());
    }
}
