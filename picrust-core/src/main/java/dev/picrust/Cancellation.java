package dev.picrust;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A one-shot cancel signal for a unit of work (one turn). Blocking work registers a way to abort
 * itself (close a stream, kill a process tree) with {@link #onCancel}; {@link #cancel()} runs them.
 */
public final class Cancellation {

    /** A new cancellation, not cancelled. */
    public Cancellation() {}

    /** Undoes an {@link #onCancel} registration. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();

    /** A signal that is never cancelled, for callers with nothing to cancel. */
    public static Cancellation none() {
        return new Cancellation();
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    public void throwIfCancelled() {
        if (cancelled.get()) {
            throw new CancellationException("cancelled");
        }
    }

    /** Runs {@code action} on cancel, or right away if already cancelled. */
    public Registration onCancel(Runnable action) {
        actions.add(action);
        if (cancelled.get() && actions.remove(action)) {
            runQuietly(action);
        }
        return () -> actions.remove(action);
    }

    /** Cancels once; later calls do nothing. */
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            for (Runnable action : actions) {
                if (actions.remove(action)) {
                    runQuietly(action);
                }
            }
        }
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ignored) {
            // An abort action failing must not stop the others; the work it guards fails on its own.
        }
    }
}
