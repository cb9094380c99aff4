package dev.picrust.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Http1TransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Http1Transport transport = Http1Transport.builder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void closeTransport() {
        transport.close();
    }

    private static HttpCall post(URI uri, String body) {
        return new HttpCall("POST", uri, List.of(new HttpCall.Header("x-api-key", "k"),
                new HttpCall.Header("content-type", "application/json")), body.getBytes(StandardCharsets.UTF_8), WAIT,
                WAIT, WAIT);
    }

    private static HttpCall post(URI uri, Duration responseTimeout, Duration idleTimeout) {
        return new HttpCall("POST", uri, List.of(), new byte[] {'{', '}'}, responseTimeout, idleTimeout,
                Duration.ofMinutes(5));
    }

    private String text(HttpCall call) throws IOException {
        try (HttpExchange exchange = transport.send(call, Cancellation.none())) {
            return new String(exchange.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sendsOneWellFormedRequestAndReusesTheConnection() throws Exception {
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            for (String request = c.readRequest(); request != null; request = c.readRequest()) {
                c.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nhello");
                serverRequests.add(request);
            }
        })) {
            URI uri = server.uri("http", "/v1/messages?beta=true");
            assertThat(text(post(uri, "{\"a\":1}"))).isEqualTo("hello");
            try (HttpExchange exchange = transport.send(post(uri, "{}"), Cancellation.none())) {
                assertThat(exchange.statusCode()).isEqualTo(200);
                assertThat(exchange.headers().firstValue("Content-Type")).contains("text/plain");
                assertThat(exchange.body().readAllBytes()).hasSize(5);
            }
            assertThat(server.connections()).isEqualTo(1);
            assertThat(transport.idleConnections()).isEqualTo(1);
            String first = serverRequests.get(0);
            assertThat(first).startsWith("POST /v1/messages?beta=true HTTP/1.1\r\n")
                    .contains("host: 127.0.0.1:" + uri.getPort() + "\r\n", "x-api-key: k\r\n",
                            "content-length: 7\r\n", "user-agent: picrust-java\r\n")
                    .endsWith("\r\n\r\n{\"a\":1}")
                    .doesNotContainIgnoringCase("accept-encoding");
        }
    }

    private final List<String> serverRequests = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void readsChunkedBodiesWithExtensionsAndTrailersArrivingByteByByte() throws Exception {
        String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nx-trailer: yes\r\n\r\n";
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            for (String request = c.readRequest(); request != null; request = c.readRequest()) {
                for (char ch : wire.toCharArray()) {
                    c.write(String.valueOf(ch));
                }
            }
        })) {
            assertThat(text(post(server.uri("http", "/"), "{}"))).isEqualTo("hello, world");
            assertThat(text(post(server.uri("http", "/"), "{}"))).isEqualTo("hello, world");
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void chunksThatArriveTogetherAreReadWithoutWaitingAndTellTheyAreThere() throws Exception {
        // Plain heads (read from the buffer), heads with extensions and upper-case hex (read as lines),
        // all in one write, as a model's burst of SSE events comes.
        String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\none\r\nA\r\n0123456789\r\n3;x=y\r\ntwo\r\n00B\r\nhello world\r\n0\r\n\r\n";
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            for (String request = c.readRequest(); request != null; request = c.readRequest()) {
                c.write(wire);
            }
        })) {
            for (int round = 0; round < 2; round++) {
                try (HttpExchange exchange = transport.send(post(server.uri("http", "/"), "{}"), Cancellation.none())) {
                    java.io.InputStream body = exchange.body();
                    assertThat(new String(body.readNBytes(3), StandardCharsets.UTF_8)).isEqualTo("one");
                    // The next chunk's head and data are buffered: the body says so before reading it.
                    assertThat(body.available()).isEqualTo(10);
                    assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("0123456789twohello world");
                    assertThat(body.available()).isZero();
                }
            }
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aBodyLeftUnreadAfterItsLastEventIsDrainedAndTheConnectionReused() throws Exception {
        // An SSE reader stops at message_stop; the terminating chunk is still on the wire.
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            for (String request = c.readRequest(); request != null; request = c.readRequest()) {
                c.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\nlast\r\n0\r\n\r\n");
            }
        })) {
            for (int i = 0; i < 3; i++) {
                try (HttpExchange exchange = transport.send(post(server.uri("http", "/"), "{}"), Cancellation.none())) {
                    assertThat(exchange.body().readNBytes(4)).isEqualTo("last".getBytes(StandardCharsets.UTF_8));
                }
            }
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void connectionCloseAndHttp10AndCloseDelimitedBodiesAreNotReused() throws Exception {
        List<String> answers = List.of(
                "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok",
                "HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\n\r\nuntil close");
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            c.write(answers.get(index));
            c.close();
        })) {
            assertThat(text(post(server.uri("http", "/"), "{}"))).isEqualTo("ok");
            assertThat(text(post(server.uri("http", "/"), "{}"))).isEqualTo("ok");
            assertThat(text(post(server.uri("http", "/"), "{}"))).isEqualTo("until close");
            assertThat(server.connections()).isEqualTo(3);
            assertThat(transport.idleConnections()).isZero();
        }
    }

    @Test
    void skipsInterimAnswersAndKeepsFoldedHeaders() throws Exception {
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            c.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\r\nretry-after: 2\r\n"
                    + "x-note: part one\r\n  part two\r\ncontent-length: 0\r\n\r\n");
        })) {
            try (HttpExchange exchange = transport.send(post(server.uri("http", "/"), "{}"), Cancellation.none())) {
                assertThat(exchange.statusCode()).isEqualTo(429);
                assertThat(exchange.headers().firstValue("retry-after")).contains("2");
                assertThat(exchange.headers().firstValue("x-note")).contains("part one part two");
                assertThat(exchange.body().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedWithoutAnError() throws Exception {
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ncontent-length: " + (index == 0 ? "5\r\n\r\nfirst" : "6\r\n\r\nsecond"));
            // Keep-alive answer, then the server drops the idle connection (its keep-alive ran out).
            c.close();
        })) {
            assertThat(text(post(server.uri("http", "/"), "{}"))).isEqualTo("first");
            assertThat(text(post(server.uri("http", "/"), "{}"))).isEqualTo("second");
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void aFreshConnectionThatFailsIsNotRetried() throws Exception {
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            c.close();
        })) {
            assertThatThrownBy(() -> transport.send(post(server.uri("http", "/"), "{}"), Cancellation.none()))
                    .isInstanceOf(IOException.class);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void malformedAnswersFailWithAClearMessage() throws Exception {
        List<String> answers = List.of(
                "SPDY/3 200 OK\r\n\r\n",
                "HTTP/1.1 2x0 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\nabcd",
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n");
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            c.write(answers.get(index));
        })) {
            assertThatThrownBy(() -> text(post(server.uri("http", "/"), "{}")))
                    .hasMessageContaining("not an HTTP/1.x status line: SPDY/3 200 OK");
            assertThatThrownBy(() -> text(post(server.uri("http", "/"), "{}")))
                    .hasMessageContaining("malformed status code");
            assertThatThrownBy(() -> text(post(server.uri("http", "/"), "{}")))
                    .hasMessageContaining("malformed header line");
            assertThatThrownBy(() -> text(post(server.uri("http", "/"), "{}")))
                    .hasMessageContaining("conflicting content-length");
            assertThatThrownBy(() -> text(post(server.uri("http", "/"), "{}")))
                    .hasMessageContaining("malformed HTTP chunk size: zz");
            assertThat(transport.idleConnections()).isZero();
        }
    }

    @Test
    void aBodyCutShortIsAnErrorNotAShortBody() throws Exception {
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            c.write(index == 0 ? "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"
                    : "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10\r\nabc");
            c.close();
        })) {
            assertThatThrownBy(() -> text(post(server.uri("http", "/"), "{}")))
                    .hasMessageContaining("7 bytes of the HTTP body missing");
            assertThatThrownBy(() -> text(post(server.uri("http", "/"), "{}")))
                    .hasMessageContaining("in the middle of an HTTP chunk");
        }
    }

    @Test
    void aSilentServerTimesOutBeforeTheHeadAndWhileStreaming() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            if (index == 1) {
                c.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n");
            }
            await(release);
        })) {
            assertThatThrownBy(() -> transport.send(post(server.uri("http", "/"), Duration.ofMillis(200), WAIT),
                    Cancellation.none()))
                    .isInstanceOf(HttpTimeoutException.class).hasMessageContaining("no answer within 200 ms");
            try (HttpExchange exchange = transport.send(post(server.uri("http", "/"), WAIT, Duration.ofMillis(200)),
                    Cancellation.none())) {
                InputStream body = exchange.body();
                assertThat(body.readNBytes(3)).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(body::read).isInstanceOf(SocketTimeoutException.class);
            }
            release.countDown();
            assertThat(transport.idleConnections()).isZero();
        }
    }

    @Test
    void cancellingWakesABlockedReadAndTheConnectionIsNotReused() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n");
            await(release);
        })) {
            Cancellation cancellation = new Cancellation();
            try (HttpExchange exchange = transport.send(post(server.uri("http", "/"), "{}"), cancellation)) {
                InputStream body = exchange.body();
                assertThat(body.readNBytes(3)).hasSize(3);
                assertThat(BlockedRead.outcomeAfterCancel(body, cancellation, WAIT)).isInstanceOf(IOException.class);
            }
            release.countDown();
            assertThat(transport.idleConnections()).isZero();
        }
    }

    @Test
    void aCancelledCallNeverConnects() throws Exception {
        try (RawHttpServer server = new RawHttpServer((index, c) -> c.readRequest())) {
            Cancellation cancellation = new Cancellation();
            cancellation.cancel();
            assertThatThrownBy(() -> transport.send(post(server.uri("http", "/"), "{}"), cancellation))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aRefusedConnectionIsAConnectException() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0)) {
            port = unused.getLocalPort();
        }
        assertThatThrownBy(() -> transport.send(post(URI.create("http://127.0.0.1:" + port + "/"), "{}"),
                Cancellation.none())).isInstanceOf(ConnectException.class);
    }

    @Test
    void idleConnectionsAreClosedAfterTheKeepAliveTime() throws Exception {
        try (Http1Transport shortLived = Http1Transport.builder().keepAlive(Duration.ofMillis(50)).build();
             RawHttpServer server = new RawHttpServer((index, c) -> {
                 for (String request = c.readRequest(); request != null; request = c.readRequest()) {
                     c.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                 }
             })) {
            try (HttpExchange exchange = shortLived.send(post(server.uri("http", "/"), "{}"), Cancellation.none())) {
                exchange.body().readAllBytes();
            }
            assertThat(shortLived.idleConnections()).isEqualTo(1);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (shortLived.idleConnections() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(shortLived.idleConnections()).isZero();
            try (HttpExchange exchange = shortLived.send(post(server.uri("http", "/"), "{}"), Cancellation.none())) {
                exchange.body().readAllBytes();
            }
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
