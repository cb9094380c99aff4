package dev.picrust.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One HTTP request to send.
 *
 * @param method          {@code POST}, {@code GET}, ...
 * @param uri             absolute {@code http} or {@code https} URI
 * @param headers         request headers in the order to send them; the transport adds
 *                        {@code host}, {@code content-length} and {@code connection} itself
 * @param body            the request body (empty for none)
 * @param responseTimeout how long to wait for the answer's status line and headers
 * @param idleTimeout     a body read that gets no bytes for this long fails with
 *                        {@link java.net.SocketTimeoutException}: a stalled stream is not waited on forever
 * @param deadline        the whole exchange, connect to last byte, ends this long after it was sent: a
 *                        read after that fails with {@link java.net.SocketTimeoutException}, however the
 *                        bytes trickle; it also bounds the connect and the response timeout
 */
public record HttpCall(String method, URI uri, List<Header> headers, byte[] body, Duration responseTimeout,
                       Duration idleTimeout, Duration deadline) {

    /** One request header. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || hasControl(name) || hasControl(value)) {
                throw new IllegalArgumentException("header " + name + " has an empty name or a control character");
            }
        }

        private static boolean hasControl(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) {
                    return true;
                }
            }
            return false;
        }
    }

    public HttpCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
            throw new IllegalArgumentException("not an absolute http(s) URI: " + uri);
        }
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
        requirePositive(responseTimeout, "responseTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(deadline, "deadline");
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
