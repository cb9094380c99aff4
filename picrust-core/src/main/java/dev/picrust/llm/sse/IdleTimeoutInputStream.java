package dev.picrust.llm.sse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * An input stream that closes its source when a read has been waiting for bytes longer than the
 * idle timeout, or once an overall deadline has passed, so a stalled or trickling server cannot block
 * a reader forever. The blocked read then fails with an {@link IOException}; {@link #timedOut()} and
 * {@link #pastDeadline()} tell that apart from other failures (such as a cancel that closed the stream).
 *
 * <p>Idle time is counted only while a read is blocked: a slow consumer that leaves bytes waiting
 * in the source is not a stalled server. The watchdog is one virtual thread per stream, ended by
 * {@link #close()}. The source's {@code close()} must be safe to call from another thread and must
 * wake a blocked read (true for the JDK HTTP client's body stream and for sockets).
 */
public final class IdleTimeoutInputStream extends FilterInputStream {
    private static final long NOT_READING = Long.MIN_VALUE;

    private final Duration idleTimeout;
    private final long idleNanos;
    private final long deadlineNanos;
    private final Thread watchdog;
    private volatile long readingSince = NOT_READING;
    private volatile boolean timedOut;
    private volatile boolean pastDeadline;
    private volatile boolean closed;

    public IdleTimeoutInputStream(InputStream source, Duration idleTimeout) {
        this(source, idleTimeout, Long.MAX_VALUE);
    }

    /** {@code deadlineNanos}: on {@link System#nanoTime()}'s clock; {@link Long#MAX_VALUE} for none. */
    public IdleTimeoutInputStream(InputStream source, Duration idleTimeout, long deadlineNanos) {
        super(source);
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        this.idleTimeout = idleTimeout;
        this.idleNanos = idleTimeout.toNanos();
        this.deadlineNanos = deadlineNanos;
        this.watchdog = Thread.ofVirtual().name("idle-timeout-watchdog").start(this::watch);
    }

    /** True if this stream closed its source because the deadline passed. */
    public boolean pastDeadline() {
        return pastDeadline;
    }

    /** True if this stream closed its source because no bytes arrived in time. */
    public boolean timedOut() {
        return timedOut;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    @Override
    public int read() throws IOException {
        readingSince = System.nanoTime();
        try {
            return super.read();
        } finally {
            readingSince = NOT_READING;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        readingSince = System.nanoTime();
        try {
            return in.read(b, off, len);
        } finally {
            readingSince = NOT_READING;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        readingSince = System.nanoTime();
        try {
            return super.skip(n);
        } finally {
            readingSince = NOT_READING;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        LockSupport.unpark(watchdog);
        super.close();
    }

    private void watch() {
        while (!closed) {
            long now = System.nanoTime();
            long since = readingSince;
            long wait = idleNanos;
            if (deadlineNanos != Long.MAX_VALUE && now - deadlineNanos >= 0) {
                pastDeadline = true;
                timedOut = true;
                closeSourceQuietly();
                return;
            }
            if (since != NOT_READING) {
                long waited = now - since;
                if (waited >= idleNanos) {
                    timedOut = true;
                    closeSourceQuietly();
                    return;
                }
                wait = idleNanos - waited;
            }
            if (deadlineNanos != Long.MAX_VALUE) {
                wait = Math.min(wait, deadlineNanos - now);
            }
            LockSupport.parkNanos(this, wait);
        }
    }

    private void closeSourceQuietly() {
        try {
            in.close();
        } catch (IOException ignored) {
            // The reader fails on its own; the close was only to wake it.
        }
    }
}
