package dev.picrust.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JDK client behind the same contract as {@link Http1Transport}: headers, stalls, cancels. */
class JdkHttpTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final HttpTransport transport = HttpTransport.jdk(client);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        client.shutdownNow();
    }

    private static HttpCall call(URI uri, Duration idle) {
        return new HttpCall("POST", uri, List.of(new HttpCall.Header("x-api-key", "k")),
                "{}".getBytes(StandardCharsets.UTF_8), WAIT, idle, Duration.ofMinutes(5));
    }

    @Test
    void givesStatusHeadersAndBody() throws Exception {
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            String request = c.readRequest();
            String key = request.contains("x-api-key: k") ? "yes" : "no";
            c.write("HTTP/1.1 529 Overloaded\r\nretry-after: 3\r\ncontent-length: " + key.length() + "\r\n\r\n" + key);
        })) {
            try (HttpExchange exchange = transport.send(call(server.uri("http", "/v1/messages"), WAIT),
                    Cancellation.none())) {
                assertThat(exchange.statusCode()).isEqualTo(529);
                assertThat(exchange.headers().firstValue("Retry-After")).contains("3");
                assertThat(new String(exchange.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("yes");
            }
        }
    }

    @Test
    void aStalledBodyIsASocketTimeout() throws Exception {
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n");
            await(release);
        })) {
            try (HttpExchange exchange = transport.send(call(server.uri("http", "/"), Duration.ofMillis(200)),
                    Cancellation.none())) {
                InputStream body = exchange.body();
                assertThat(body.readNBytes(3)).hasSize(3);
                assertThatThrownBy(body::read).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("no data for 200 ms");
            }
        }
    }

    @Test
    void cancellingWakesABlockedRead() throws Exception {
        try (RawHttpServer server = new RawHttpServer((index, c) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n");
            await(release);
        })) {
            Cancellation cancellation = new Cancellation();
            try (HttpExchange exchange = transport.send(call(server.uri("http", "/"), WAIT), cancellation)) {
                InputStream body = exchange.body();
                assertThat(body.readNBytes(3)).hasSize(3);
                assertThat(BlockedRead.outcomeAfterCancel(body, cancellation, WAIT)).isInstanceOf(IOException.class);
            }
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
