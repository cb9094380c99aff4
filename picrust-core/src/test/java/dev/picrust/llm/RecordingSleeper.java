package dev.picrust.llm;

import dev.picrust.Cancellation;
import dev.picrust.llm.HttpSettings.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the waits a provider asks for and returns at once. */
public final class RecordingSleeper implements Sleeper {
    private final List<Duration> delays = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration delay, Cancellation cancellation) {
        delays.add(delay);
        cancellation.throwIfCancelled();
    }

    public List<Duration> delays() {
        return List.copyOf(delays);
    }
}
