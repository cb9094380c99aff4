package dev.picrust.http;

import dev.picrust.Cancellation;
import dev.picrust.llm.sse.IdleTimeoutInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@link HttpTransport} over a JDK {@link HttpClient}: for HTTP/2, proxies or authenticators. It
 * costs more per call than {@link Http1Transport} (the client hands every answer between its
 * selector thread, its executor and the caller), and a stalled body is detected by a watchdog
 * virtual thread per exchange ({@link IdleTimeoutInputStream}).
 */
public final class JdkHttpTransport implements HttpTransport {
    // The client sets these itself and refuses them in a request.
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final HttpClient client;

    public JdkHttpTransport(HttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    public HttpClient client() {
        return client;
    }

    @Override
    public HttpExchange send(HttpCall call, Cancellation cancellation) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(call.uri())
                .timeout(call.responseTimeout().compareTo(call.deadline()) < 0 ? call.responseTimeout() : call.deadline())
                .method(call.method(), call.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        for (HttpCall.Header header : call.headers()) {
            if (!RESTRICTED.contains(header.name().toLowerCase(java.util.Locale.ROOT))) {
                builder.header(header.name(), header.value());
            }
        }
        long deadline = System.nanoTime() + call.deadline().toNanos();
        InFlight inFlight = new InFlight();
        Cancellation.Registration registration = cancellation.onCancel(inFlight::abort);
        try {
            HttpResponse<InputStream> response = inFlight.send(client, builder.build());
            IdleTimeoutInputStream idle = new IdleTimeoutInputStream(response.body(), call.idleTimeout(), deadline);
            InputStream body = new StallAsTimeout(idle, call.idleTimeout().toMillis(), call.deadline().toMillis());
            if (!inFlight.attach(body)) {
                throw new IOException("cancelled");
            }
            ResponseHeaders headers = ResponseHeaders.of(response.headers().map());
            return new HttpExchange() {
                @Override
                public int statusCode() {
                    return response.statusCode();
                }

                @Override
                public ResponseHeaders headers() {
                    return headers;
                }

                @Override
                public InputStream body() {
                    return body;
                }

                @Override
                public void close() {
                    registration.close();
                    closeQuietly(body);
                }
            };
        } catch (IOException | RuntimeException e) {
            registration.close();
            throw e;
        }
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // Closing only releases or wakes the reader, which then fails on its own.
        }
    }

    /** Turns the watchdog's close of a stalled body into the {@link SocketTimeoutException} callers expect. */
    private static final class StallAsTimeout extends FilterInputStream {
        private final IdleTimeoutInputStream idle;
        private final long idleMillis;
        private final long deadlineMillis;

        StallAsTimeout(IdleTimeoutInputStream idle, long idleMillis, long deadlineMillis) {
            super(idle);
            this.idle = idle;
            this.idleMillis = idleMillis;
            this.deadlineMillis = deadlineMillis;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw translate(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw translate(e);
            }
        }

        private IOException translate(IOException e) {
            if (!idle.timedOut()) {
                return e;
            }
            SocketTimeoutException timeout = new SocketTimeoutException(idle.pastDeadline()
                    ? "passed the attempt's deadline of " + deadlineMillis + " ms"
                    : "stalled: no data for " + idleMillis + " ms");
            timeout.initCause(e);
            return timeout;
        }
    }

    /**
     * The exchange in flight, abortable from the cancelling thread: before the answer starts by
     * cancelling the future, afterwards by closing the body (which wakes the blocked reader).
     */
    private static final class InFlight {
        private volatile CompletableFuture<HttpResponse<InputStream>> future;
        private volatile InputStream body;
        private volatile boolean aborted;

        HttpResponse<InputStream> send(HttpClient client, HttpRequest request) throws IOException {
            CompletableFuture<HttpResponse<InputStream>> f =
                    client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            future = f;
            if (aborted) {
                f.cancel(true);
            }
            try {
                return f.get();
            } catch (CancellationException e) {
                throw new IOException("cancelled", e);
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException(e.getCause());
            }
        }

        boolean attach(InputStream stream) {
            body = stream;
            if (aborted) {
                closeQuietly(stream);
                return false;
            }
            return true;
        }

        void abort() {
            aborted = true;
            CompletableFuture<HttpResponse<InputStream>> f = future;
            if (f != null) {
                f.cancel(true);
            }
            InputStream b = body;
            if (b != null) {
                closeQuietly(b);
            }
        }
    }
}
