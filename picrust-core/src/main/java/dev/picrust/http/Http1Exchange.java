package dev.picrust.http;

import dev.picrust.Cancellation;
import java.io.InputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exchange on an {@link Http1Connection}. On close the connection goes back to the pool when
 * its answer was read to the end; an answer the caller stopped reading early (an SSE stream left
 * after {@code message_stop}, before the terminating chunk) is finished off: at once when its
 * rest is already here, else by a short-lived virtual thread, so the caller never waits for it.
 */
final class Http1Exchange implements HttpExchange {
    private static final int MAX_DRAIN_BYTES = 64 * 1024;

    private final ConnectionPool pool;
    private final Http1Connection connection;
    private final Http1Connection.ResponseHead head;
    private final Http1Body body;
    private final Abort abort;
    private final Cancellation.Registration registration;
    private boolean closed;

    Http1Exchange(ConnectionPool pool, Http1Connection connection, Http1Connection.ResponseHead head, Http1Body body,
                  Abort abort, Cancellation.Registration registration) {
        this.pool = pool;
        this.connection = connection;
        this.head = head;
        this.body = body;
        this.abort = abort;
        this.registration = registration;
    }

    @Override
    public int statusCode() {
        return head.status();
    }

    @Override
    public ResponseHeaders headers() {
        return head.headers();
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        registration.close();
        body.close();
        boolean keepAlive = body.reusable() && !head.http10() && !head.headers().hasToken("connection", "close");
        // Once detached, a late cancel can no longer close a connection that now serves someone else.
        if (!abort.detach() || !keepAlive) {
            connection.close();
            return;
        }
        if (body.complete() || body.skipRest(MAX_DRAIN_BYTES, false)) {
            pool.release(connection);
            return;
        }
        Thread.ofVirtual().name("picrust-http-drain").start(() -> {
            if (body.skipRest(MAX_DRAIN_BYTES, true)) {
                pool.release(connection);
            } else {
                connection.close();
            }
        });
    }

    /** Lets a cancel close the connection until the exchange is over. */
    static final class Abort {
        /** Short, I/O-free sections (the close happens outside), but a lock keeps core free of monitors. */
        private final ReentrantLock lock = new ReentrantLock();
        private Http1Connection connection;
        private boolean aborted;
        private boolean detached;

        /** Runs on the cancelling thread. */
        void abort() {
            Http1Connection toClose;
            lock.lock();
            try {
                if (detached) {
                    return;
                }
                aborted = true;
                toClose = connection;
            } finally {
                lock.unlock();
            }
            if (toClose != null) {
                toClose.close();
            }
        }

        /** Returns false (and closes the connection) when already aborted. */
        boolean attach(Http1Connection c) {
            lock.lock();
            try {
                if (!aborted) {
                    connection = c;
                    return true;
                }
            } finally {
                lock.unlock();
            }
            c.close();
            return false;
        }

        boolean aborted() {
            lock.lock();
            try {
                return aborted;
            } finally {
                lock.unlock();
            }
        }

        /** Ends the abort window; false when a cancel already came. */
        boolean detach() {
            lock.lock();
            try {
                detached = true;
                connection = null;
                return !aborted;
            } finally {
                lock.unlock();
            }
        }
    }
}
