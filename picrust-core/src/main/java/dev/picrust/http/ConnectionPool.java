package dev.picrust.http;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Idle keep-alive connections per origin. Most recently used first, so the connections handed out
 * are the least likely to have been closed by the server; the oldest sit at the tail, where they
 * are closed once idle longer than the keep-alive time. Taking and returning are O(1) whatever the
 * number of idle connections.
 *
 * <p>While any connection is idle, one virtual thread sweeps expired ones every half keep-alive
 * time, so sockets do not linger after the last call; it ends when the pool is empty.
 */
final class ConnectionPool {
    private final long keepAliveNanos;
    private final ConcurrentHashMap<Origin, ConcurrentLinkedDeque<Http1Connection>> idle = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile boolean closed;

    ConnectionPool(long keepAliveNanos) {
        this.keepAliveNanos = keepAliveNanos;
    }

    /** The most recently used idle connection to {@code origin} that has not expired. */
    Optional<Http1Connection> take(Origin origin) {
        ConcurrentLinkedDeque<Http1Connection> deque = idle.get(origin);
        if (deque == null) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        for (Http1Connection c = deque.pollFirst(); c != null; c = deque.pollFirst()) {
            if (now - c.idleSinceNanos < keepAliveNanos && !c.isClosed()) {
                return Optional.of(c);
            }
            c.close();
        }
        return Optional.empty();
    }

    /** Keeps a connection whose last answer was read to its end for the next request. */
    void release(Http1Connection connection) {
        if (closed) {
            connection.close();
            return;
        }
        long now = System.nanoTime();
        connection.idle(now);
        ConcurrentLinkedDeque<Http1Connection> deque = idle.computeIfAbsent(connection.origin,
                o -> new ConcurrentLinkedDeque<>());
        deque.offerFirst(connection);
        closeExpired(deque, now);
        if (closed) {
            closeAll();
        } else if (sweeping.compareAndSet(false, true)) {
            Thread.ofVirtual().name("picrust-http-pool-sweeper").start(this::sweep);
        }
    }

    private void closeExpired(ConcurrentLinkedDeque<Http1Connection> deque, long now) {
        for (Http1Connection oldest = deque.peekLast(); oldest != null && now - oldest.idleSinceNanos >= keepAliveNanos;
             oldest = deque.peekLast()) {
            if (deque.removeLastOccurrence(oldest)) {
                oldest.close();
            }
        }
    }

    private void sweep() {
        try {
            while (!closed) {
                Thread.sleep(Math.max(1, keepAliveNanos / 2_000_000));
                long now = System.nanoTime();
                boolean any = false;
                for (ConcurrentLinkedDeque<Http1Connection> deque : idle.values()) {
                    closeExpired(deque, now);
                    any |= !deque.isEmpty();
                }
                if (!any) {
                    sweeping.set(false);
                    // A release may have come in between the check and the flag: take over again if so.
                    if (idle.values().stream().allMatch(ConcurrentLinkedDeque::isEmpty)
                            || !sweeping.compareAndSet(false, true)) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            sweeping.set(false);
        }
    }

    /** Number of idle connections (for tests and statistics). */
    int idleCount() {
        return idle.values().stream().mapToInt(ConcurrentLinkedDeque::size).sum();
    }

    void closeAll() {
        closed = true;
        for (ConcurrentLinkedDeque<Http1Connection> deque : idle.values()) {
            for (Http1Connection c = deque.pollFirst(); c != null; c = deque.pollFirst()) {
                c.close();
            }
        }
    }
}
