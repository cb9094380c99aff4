package dev.picrust.http;

import dev.picrust.Cancellation;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts a read that blocks, cancels, and reports what the read ended with. */
final class BlockedRead {
    private BlockedRead() {
    }

    /** The byte read or the exception thrown by a read of {@code body} started before the cancel. */
    static Object outcomeAfterCancel(InputStream body, Cancellation cancellation, Duration wait) throws Exception {
        CompletableFuture<Object> read = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                read.complete(body.read());
            } catch (IOException e) {
                read.complete(e);
            }
        });
        cancellation.cancel();
        return read.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    }
}
