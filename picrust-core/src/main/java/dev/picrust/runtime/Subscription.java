package dev.picrust.runtime;

import dev.picrust.event.OutputChunk;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One subscriber's view of an agent's output: a bounded buffer of its own. Publishing never blocks;
 * when the buffer is full the chunk is dropped for this subscriber only and counted, and the
 * subscriber later reads one {@link OutputChunk.Lagged} saying how many it missed, at the place of
 * the gap. The session on disk stays the source of truth.
 */
public final class Subscription implements AutoCloseable {
    private final int capacity;
    private final ArrayDeque<OutputChunk> buffer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Runnable onClose;
    private long missed;
    private boolean ended;
    private boolean closed;

    Subscription(int capacity, Runnable onClose) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.buffer = new ArrayDeque<>(Math.min(capacity, 64) + 1);
        this.onClose = onClose;
    }

    /** Called by the publisher; never blocks for long (the lock guards only a deque operation). */
    void offer(OutputChunk chunk) {
        lock.lock();
        try {
            if (closed || ended) {
                return;
            }
            if (buffer.size() >= capacity) {
                missed++;
                return;
            }
            if (missed > 0) {
                // The lag marker takes one extra slot beyond capacity so it is never itself dropped.
                buffer.add(new OutputChunk.Lagged(missed));
                missed = 0;
            }
            buffer.add(chunk);
            readable.signal();
        } finally {
            lock.unlock();
        }
    }

    /** No more chunks will come (the agent stopped). Buffered chunks can still be read. */
    void end() {
        lock.lock();
        try {
            ended = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The next chunk, waiting as long as needed; empty once the agent has stopped and all was read. */
    public Optional<OutputChunk> next() throws InterruptedException {
        lock.lock();
        try {
            while (buffer.isEmpty() && !ended && !closed && missed == 0) {
                readable.await();
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    /** The next chunk, waiting at most {@code timeout}; empty on timeout or end. */
    public Optional<OutputChunk> poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (buffer.isEmpty() && !ended && !closed && missed == 0) {
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = readable.awaitNanos(nanos);
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves every chunk buffered now into {@code sink} (a {@link OutputChunk.Lagged} first where
     * chunks were missed), without waiting; returns how many. For front ends that forward output in
     * batches: one lock per batch instead of one per chunk.
     */
    public int drainTo(Collection<? super OutputChunk> sink) {
        lock.lock();
        try {
            int moved = 0;
            for (Optional<OutputChunk> chunk = take(); chunk.isPresent(); chunk = take()) {
                sink.add(chunk.get());
                moved++;
            }
            return moved;
        } finally {
            lock.unlock();
        }
    }

    private Optional<OutputChunk> take() {
        if (!buffer.isEmpty()) {
            return Optional.of(buffer.poll());
        }
        if (missed > 0) {
            long m = missed;
            missed = 0;
            return Optional.of(new OutputChunk.Lagged(m));
        }
        return Optional.empty();
    }

    /** True once the agent stopped and everything buffered was read, or after {@link #close()}. */
    public boolean isFinished() {
        lock.lock();
        try {
            return closed || (ended && buffer.isEmpty() && missed == 0);
        } finally {
            lock.unlock();
        }
    }

    /** Stops receiving; the agent forgets this subscriber. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            buffer.clear();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.run();
    }

    /** For tests and diagnostics: chunks waiting to be read. */
    int buffered() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }

}
