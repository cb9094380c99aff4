package dev.picrust.http;

import dev.picrust.Cancellation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A blocking HTTP/1.1 client for virtual threads. The calling thread connects, writes the request
 * in one write, and reads the answer from the socket itself: no selector thread, no executor, no
 * futures, so a streamed answer wakes exactly one thread (the caller) per packet. Connections are
 * kept alive and reused per origin ({@link ConnectionPool}); {@code https} runs over TLS with the
 * JVM's default trust store and host name verification, offering only {@code http/1.1} by ALPN.
 *
 * <p>A request that fails on a reused connection before any byte of an answer arrived (the server
 * closed the idle connection as we picked it) is sent once more on a new connection: the server
 * cannot have acted on a request it never answered on a connection it had already closed, which is
 * the case this catches. Every other failure is the caller's to retry.
 *
 * <p>Not supported, by design: proxies, HTTP/2, compressed answers (no {@code accept-encoding} is
 * sent), request bodies streamed from a source. Use {@link JdkHttpTransport} for the first two.
 */
public final class Http1Transport implements HttpTransport, AutoCloseable {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    private static final String USER_AGENT = "picrust-java";

    private final int connectTimeoutMillis;
    private final Optional<SSLContext> tls;
    private final ConnectionPool pool;

    private Http1Transport(Builder builder) {
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, builder.connectTimeout.toMillis());
        this.tls = Optional.ofNullable(builder.sslContext);
        this.pool = new ConnectionPool(builder.keepAlive.toNanos());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public HttpExchange send(HttpCall call, Cancellation cancellation) throws IOException {
        Origin origin = Origin.of(call.uri());
        byte[] head = requestHead(call, origin);
        Http1Exchange.Abort abort = new Http1Exchange.Abort();
        Cancellation.Registration registration = cancellation.onCancel(abort::abort);
        try {
            long started = System.nanoTime();
            Http1Body.Deadline deadline = new Http1Body.Deadline(started + call.deadline().toNanos(),
                    call.deadline().toMillis());
            boolean headByDeadline = call.deadline().compareTo(call.responseTimeout()) <= 0;
            long timeoutMillis = headByDeadline ? call.deadline().toMillis() : call.responseTimeout().toMillis();
            int idleMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, call.idleTimeout().toMillis()));
            boolean fresh = false;
            while (true) {
                Optional<Http1Connection> pooled = fresh ? Optional.empty() : pool.take(origin);
                Http1Connection connection = pooled.isPresent() ? pooled.get() : connect(origin, deadline.nanos());
                if (!abort.attach(connection)) {
                    throw new IOException("cancelled");
                }
                try {
                    connection.write(head, call.body());
                    long headDeadline = Math.min(System.nanoTime() + call.responseTimeout().toNanos(), deadline.nanos());
                    Http1Connection.ResponseHead response = connection.readHead(headDeadline, timeoutMillis);
                    Http1Body body = Http1Body.of(connection, response, idleMillis, deadline);
                    return new Http1Exchange(pool, connection, response, body, abort, registration);
                } catch (IOException e) {
                    connection.close();
                    boolean stale = pooled.isPresent() && !connection.receivedAny()
                            && !(e instanceof HttpTimeoutException);
                    if (!stale || abort.aborted() || Thread.currentThread().isInterrupted()) {
                        throw e;
                    }
                    fresh = true;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            registration.close();
            throw e;
        }
    }

    /** Idle connections kept for reuse right now. */
    public int idleConnections() {
        return pool.idleCount();
    }

    /** Closes the idle connections; exchanges in progress finish, then close their connections. */
    @Override
    public void close() {
        pool.closeAll();
    }

    /** Connects within the connect timeout, and by {@code callDeadline} at the latest. */
    private Http1Connection connect(Origin origin, long callDeadline) throws IOException {
        long deadline = Math.min(System.nanoTime() + connectTimeoutMillis * 1_000_000L, callDeadline);
        InetAddress[] addresses = InetAddress.getAllByName(origin.host());
        IOException last = null;
        for (InetAddress address : addresses) {
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(address, origin.port()), left);
                return new Http1Connection(origin, origin.tls() ? handshake(socket, origin, deadline) : socket);
            } catch (SocketTimeoutException e) {
                closeQuietly(socket);
                throw new HttpConnectTimeoutException("connect to " + origin.authority() + " timed out after "
                        + connectTimeoutMillis + " ms");
            } catch (IOException e) {
                closeQuietly(socket);
                last = e;
            }
        }
        throw Objects.requireNonNull(last);
    }

    private Socket handshake(Socket plain, Origin origin, long deadline) throws IOException {
        SSLContext context;
        try {
            context = tls.isPresent() ? tls.get() : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no TLS available in this JVM", e);
        }
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, origin.host(), origin.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        socket.startHandshake();
        return socket;
    }

    private static byte[] requestHead(HttpCall call, Origin origin) {
        StringBuilder head = new StringBuilder(256);
        String path = call.uri().getRawPath();
        head.append(call.method()).append(' ').append(path == null || path.isEmpty() ? "/" : path);
        if (call.uri().getRawQuery() != null) {
            head.append('?').append(call.uri().getRawQuery());
        }
        head.append(" HTTP/1.1\r\nhost: ").append(origin.authority()).append("\r\n");
        boolean userAgent = false;
        for (HttpCall.Header header : call.headers()) {
            String name = header.name();
            if (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-length")
                    || name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("transfer-encoding")) {
                continue;
            }
            userAgent |= name.equalsIgnoreCase("user-agent");
            head.append(name).append(": ").append(header.value()).append("\r\n");
        }
        if (!userAgent) {
            head.append("user-agent: ").append(USER_AGENT).append("\r\n");
        }
        if (call.body().length > 0 || !call.method().equals("GET")) {
            head.append("content-length: ").append(call.body().length).append("\r\n");
        }
        head.append("\r\n");
        // Header values are ASCII in practice; UTF-8 keeps any other character intact on the wire.
        return head.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already failed; nothing more to undo.
        }
    }

    /** Settings of an {@link Http1Transport}. */
    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;
        private SSLContext sslContext;

        private Builder() {
        }

        /** Limit for the TCP connect and the TLS handshake together. */
        public Builder connectTimeout(Duration value) {
            connectTimeout = positive(value, "connectTimeout");
            return this;
        }

        /** How long an idle connection is kept for reuse (servers close idle ones after a while too). */
        public Builder keepAlive(Duration value) {
            keepAlive = positive(value, "keepAlive");
            return this;
        }

        /** TLS settings (trust store, key managers) instead of the JVM default. */
        public Builder sslContext(SSLContext value) {
            sslContext = Objects.requireNonNull(value, "sslContext");
            return this;
        }

        public Http1Transport build() {
            return new Http1Transport(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
