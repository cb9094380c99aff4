package dev.picrust.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.Cancellation;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS against a loopback TLS server whose certificate {@code keytool} makes for the test. */
class Http1TransportTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void talksHttpsAndReusesTheTlsConnection() throws Exception {
        KeyStore store = keyStore("SAN=dns:localhost,ip:127.0.0.1");
        try (RawHttpServer server = tlsServer(store);
             Http1Transport transport = Http1Transport.builder().sslContext(clientTrusting(store)).build()) {
            for (int i = 0; i < 2; i++) {
                try (HttpExchange exchange = transport.send(call(server), Cancellation.none())) {
                    assertThat(exchange.statusCode()).isEqualTo(200);
                    assertThat(new String(exchange.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("secure");
                }
            }
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        KeyStore store = keyStore("SAN=dns:example.com");
        try (RawHttpServer server = tlsServer(store);
             Http1Transport transport = Http1Transport.builder().sslContext(clientTrusting(store)).build()) {
            assertThatThrownBy(() -> transport.send(call(server), Cancellation.none()))
                    .isInstanceOf(SSLException.class)
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedWithTheDefaultTrustStore() throws Exception {
        KeyStore store = keyStore("SAN=dns:localhost,ip:127.0.0.1");
        try (RawHttpServer server = tlsServer(store);
             Http1Transport transport = Http1Transport.builder().build()) {
            assertThatThrownBy(() -> transport.send(call(server), Cancellation.none()))
                    .isInstanceOf(SSLException.class);
        }
    }

    private static HttpCall call(RawHttpServer server) {
        return new HttpCall("POST", server.uri("https", "/v1/messages"), List.of(), "{}".getBytes(StandardCharsets.UTF_8),
                WAIT, WAIT, WAIT);
    }

    private static RawHttpServer tlsServer(KeyStore store) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        ServerSocket socket = context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ((SSLServerSocket) socket).setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return new RawHttpServer(socket, (index, c) -> {
            for (String request = c.readRequest(); request != null; request = c.readRequest()) {
                c.write("HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nsecure");
            }
        });
    }

    private static SSLContext clientTrusting(KeyStore store) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** A PKCS#12 store with one self-signed EC key pair, made by the JDK's own keytool. */
    private KeyStore keyStore(String subjectAltNames) throws Exception {
        Path file = dir.resolve("store-" + System.nanoTime() + ".p12");
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path keytool = java.resolveSibling("keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", subjectAltNames, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

}
