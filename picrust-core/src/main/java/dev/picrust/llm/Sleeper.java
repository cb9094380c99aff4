package dev.picrust.llm;

import dev.picrust.Cancellation;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits between retries. Injectable so tests can record the requested delays instead of waiting
 * them out; the real one wakes as soon as the call is cancelled.
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Waits for {@code delay}, or less if {@code cancellation} fires.
     *
     * @throws CancellationException if the call was cancelled (before or during the wait) or the
     *                               thread was interrupted (its interrupt flag is kept)
     */
    void sleep(Duration delay, Cancellation cancellation);

    /** Really waits, on a latch that a cancel releases at once. */
    static Sleeper system() {
        return Sleeper::waitUnlessCancelled;
    }

    private static void waitUnlessCancelled(Duration delay, Cancellation cancellation) {
        CountDownLatch cancelled = new CountDownLatch(1);
        Cancellation.Registration registration = cancellation.onCancel(cancelled::countDown);
        try {
            cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting to retry");
        } finally {
            registration.close();
        }
        cancellation.throwIfCancelled();
    }
}
