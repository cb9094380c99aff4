package dev.picrust.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.Cancellation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HttpTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final URI TARGET = URI.create("http://model.invalid:8080/v1/messages");

    private static ProxySelector selecting(List<Proxy> proxies) {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return proxies;
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
            }
        };
    }

    @Test
    void withoutAProxyTheDefaultIsTheOwnHttp1Transport() {
        HttpTransport transport = HttpTransport.standard(TARGET, WAIT, selecting(List.of(Proxy.NO_PROXY)));
        assertThat(transport).isInstanceOf(Http1Transport.class);
    }

    @Test
    void aConfiguredProxyIsUsedNotBypassed() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (RawHttpServer proxy = new RawHttpServer((index, c) -> {
            seen.add(c.readRequest());
            c.write("HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\nproxied");
        })) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", proxy.uri("http", "/").getPort());
            HttpTransport transport = HttpTransport.standard(TARGET, WAIT,
                    selecting(List.of(new Proxy(Proxy.Type.HTTP, address))));
            assertThat(transport).isInstanceOf(JdkHttpTransport.class);
            HttpCall call = new HttpCall("POST", TARGET, List.of(), "{}".getBytes(StandardCharsets.UTF_8), WAIT, WAIT, WAIT);
            try (HttpExchange exchange = transport.send(call, Cancellation.none())) {
                assertThat(new String(exchange.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("proxied");
            }
            // A proxy gets the absolute URI of the real target.
            assertThat(seen.get(0)).startsWith("POST http://model.invalid:8080/v1/messages HTTP/1.1");
        }
    }
}
