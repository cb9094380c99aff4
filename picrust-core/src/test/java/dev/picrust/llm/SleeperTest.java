package dev.picrust.llm;

import dev.picrust.llm.HttpSettings.Sleeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SleeperTest {

    @Test
    void waitsTheRequestedTime() {
        long start = System.nanoTime();
        Sleeper.system().sleep(Duration.ofMillis(50), Cancellation.none());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void cancelWakesALongWaitAtOnce() throws Exception {
        Cancellation cancellation = new Cancellation();
        FutureTask<Void> sleep = new FutureTask<>(() -> {
            Sleeper.system().sleep(Duration.ofHours(1), cancellation);
            return null;
        });
        Thread sleeper = Thread.ofVirtual().start(sleep);
        // Cancel only once the sleeper is parked in its timed wait, so the wake-up path is what is tested.
        while (sleeper.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        long start = System.nanoTime();
        cancellation.cancel();
        assertThatThrownBy(() -> sleep.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void alreadyCancelledDoesNotWait() {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();
        assertThatThrownBy(() -> Sleeper.system().sleep(Duration.ofHours(1), cancellation))
                .isInstanceOf(CancellationException.class);
    }

    @Test
    void interruptEndsTheWaitAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Sleeper.system().sleep(Duration.ofHours(1), Cancellation.none()))
                    .isInstanceOf(CancellationException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
