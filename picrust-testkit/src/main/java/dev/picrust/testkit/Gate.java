package dev.picrust.testkit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot barrier that a scripted reply waits at, so a test can act while a call is in flight.
 * The test learns that a call has arrived with {@link #awaitReached} and lets it go on with
 * {@link #open()}. Fakes also stop waiting when the call is cancelled or the server closes, so a
 * forgotten gate never hangs a test run.
 */
public final class Gate {
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final CountDownLatch reached = new CountDownLatch(1);

    /** Lets every current and future waiter through. Opening twice does nothing. */
    public void open() {
        opened.complete(null);
    }

    public boolean isOpen() {
        return opened.isDone();
    }

    /** True once a call has started waiting here (it may have been let through since). */
    public boolean isReached() {
        return reached.getCount() == 0;
    }

    /**
     * Blocks until a call is waiting at this gate; false if that did not happen within
     * {@code timeout}.
     */
    public boolean awaitReached(Duration timeout) throws InterruptedException {
        return reached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Marks arrival and returns the signal that completes when the gate opens. */
    CompletableFuture<Void> arrive() {
        reached.countDown();
        return opened.copy();
    }
}
