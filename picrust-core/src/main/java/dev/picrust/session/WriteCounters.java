package dev.picrust.session;

import java.util.concurrent.atomic.AtomicLong;

/** Running totals of one store's writes, for {@link JsonlSessionStore#writeStats()}. */
final class WriteCounters {
    final AtomicLong syncs = new AtomicLong();
    final AtomicLong historyBytes = new AtomicLong();
    final AtomicLong journalBytes = new AtomicLong();

    WriteStats snapshot() {
        return new WriteStats(historyBytes.get(), journalBytes.get(), syncs.get());
    }
}
