package dev.picrust.runtime;

import dev.picrust.event.OutputChunk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads a subscription until an expected chunk arrives; shared by the loop and runtime test bases. */
public final class ChunkReader {
    private ChunkReader() {}

    /** Reads until a chunk matches, waiting at most {@code wait} for each; returns everything read, the match last. */
    public static List<OutputChunk> until(Subscription sub, Predicate<OutputChunk> stop, Duration wait)
            throws InterruptedException {
        List<OutputChunk> seen = new ArrayList<>();
        while (true) {
            OutputChunk c = sub.poll(wait).orElseThrow(
                    () -> new AssertionError("expected chunk did not arrive; saw " + seen));
            seen.add(c);
            if (stop.test(c)) {
                return seen;
            }
        }
    }
}
