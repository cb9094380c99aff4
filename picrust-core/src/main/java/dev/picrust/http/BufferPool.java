package dev.picrust.http;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Byte arrays of one size handed from one exchange to the next. It keeps at most {@code max} of
 * them, so thousands of idle connections hold none: an array is taken when an exchange starts and
 * given back when it ends cleanly. Only the owner of an array gives it back, and only once.
 */
final class BufferPool {
    private final int size;
    private final int max;
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();

    BufferPool(int size, int max) {
        this.size = size;
        this.max = max;
    }

    int size() {
        return size;
    }

    byte[] take() {
        byte[] buffer = free.poll();
        if (buffer == null) {
            return new byte[size];
        }
        kept.decrementAndGet();
        return buffer;
    }

    void give(byte[] buffer) {
        if (buffer.length == size && kept.incrementAndGet() <= max) {
            free.offer(buffer);
        } else if (buffer.length == size) {
            kept.decrementAndGet();
        }
    }
}
