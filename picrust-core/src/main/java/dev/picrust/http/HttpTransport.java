package dev.picrust.http;

import dev.picrust.Cancellation;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Sends HTTP requests for a provider. Implementations are safe for concurrent use by many threads
 * and block the calling thread, which is meant to be virtual.
 */
public interface HttpTransport {

    /**
     * Sends the call and waits for the answer's head.
     *
     * <p>Cancelling {@code cancellation} (or interrupting the calling thread) aborts the exchange at
     * any point until the returned exchange is closed: a blocked connect, write or read fails with an
     * {@link IOException}, and the caller is expected to check the cancellation to tell that apart.
     *
     * @throws java.net.http.HttpConnectTimeoutException when the connection could not be made in time
     * @throws java.net.http.HttpTimeoutException        when the head did not arrive within the call's
     *                                                   response timeout
     * @throws IOException                               for every other failure to connect, send or read the head
     */
    HttpExchange send(HttpCall call, Cancellation cancellation) throws IOException;

    /** {@link Http1Transport} with the given connect timeout. */
    static HttpTransport http1(Duration connectTimeout) {
        return Http1Transport.builder().connectTimeout(connectTimeout).build();
    }

    /**
     * What a provider uses when given no transport: {@link Http1Transport}, unless {@code proxies}
     * (the JVM's {@link ProxySelector#getDefault()}: {@code -Dhttps.proxyHost} and friends) routes
     * {@code target} through a proxy, which only the JDK client speaks; then a JDK client using that
     * selector. A configured proxy is never silently bypassed.
     */
    static HttpTransport standard(URI target, Duration connectTimeout, ProxySelector proxies) {
        boolean direct;
        try {
            direct = proxies.select(target).stream().allMatch(p -> p.type() == Proxy.Type.DIRECT);
        } catch (RuntimeException e) {
            direct = false;
        }
        if (direct) {
            return http1(connectTimeout);
        }
        return jdk(HttpClient.newBuilder().proxy(proxies).connectTimeout(connectTimeout).build());
    }

    /** A transport over a JDK {@link HttpClient} (HTTP/2, proxies, authenticators). */
    static HttpTransport jdk(HttpClient client) {
        return new JdkHttpTransport(client);
    }
}
