package dev.picrust.http;

import java.io.Closeable;
import java.io.InputStream;

/**
 * An answer whose head has arrived; the body is read from {@link #body()}. {@link #close()} must
 * always be called: it gives the connection back for reuse when the body was read to its end (or
 * its rest can be drained), and closes it otherwise.
 */
public interface HttpExchange extends Closeable {

    int statusCode();

    ResponseHeaders headers();

    /**
     * The body, de-chunked. A read that waits longer than the call's idle timeout throws
     * {@link java.net.SocketTimeoutException}; a cancelled call's read fails with an
     * {@link java.io.IOException}.
     */
    InputStream body();

    @Override
    void close();
}
