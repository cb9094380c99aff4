package dev.picrust.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shows that the agent is working while nothing is printed: after a short quiet spell a frame and a
 * label ("thinking", "running Bash") appear on the current line and are erased before the next output.
 * Every write to the terminal goes through {@link #print} so the spinner never interleaves with output.
 */
final class Spinner implements AutoCloseable {
    private static final String FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration TICK = Duration.ofMillis(100);

    private final PrintStream terminal;
    private final TerminalStyle style;
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread ticker;
    private volatile boolean active;
    private volatile String label = "thinking";
    private long lastOutput = System.nanoTime();
    private boolean shown;  // guarded by lock
    private boolean atLineStart = true;  // guarded by lock
    private int frame;

    Spinner(PrintStream terminal, TerminalStyle style) {
        this.terminal = terminal;
        this.style = style;
        // A daemon: the spinner must never keep the JVM alive, and it only sleeps between frames.
        this.ticker = Thread.ofPlatform().daemon().name("picrust-spinner").start(this::tick);
    }

    /** Starts (or keeps) spinning with {@code label} while the agent works. */
    void working(String label) {
        this.label = label;
        active = true;
    }

    /** Stops spinning (the turn ended, or a human is being asked something). */
    void idle() {
        active = false;
        lock.lock();
        try {
            erase();
        } finally {
            lock.unlock();
        }
    }

    /** Writes {@code text} to the terminal, erasing the spinner first. */
    void print(String text) {
        if (text.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            erase();
            terminal.print(text);
            terminal.flush();
            atLineStart = text.endsWith("\n");
            lastOutput = System.nanoTime();
        } finally {
            lock.unlock();
        }
    }

    private void tick() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return;
            }
            if (!active) {
                continue;
            }
            lock.lock();
            try {
                if (active && atLineStart && System.nanoTime() - lastOutput > QUIET.toNanos()) {
                    terminal.print("\r" + style.dim(FRAMES.charAt(frame++ % FRAMES.length()) + " " + label + "…")
                            + "\u001b[K");
                    terminal.flush();
                    shown = true;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void erase() {
        if (shown) {
            terminal.print("\r\u001b[K");
            terminal.flush();
            shown = false;
        }
    }

    @Override
    public void close() {
        idle();
        ticker.interrupt();
    }
}
