package dev.picrust.http;

import java.net.URI;
import java.util.Locale;

/** Where a connection goes: connections are pooled and reused per origin. */
record Origin(boolean tls, String host, int port) {

    static Origin of(URI uri) {
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
        String host = uri.getHost();
        // An IPv6 literal keeps its brackets in URI.getHost(); sockets want it without.
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Origin(tls, host.toLowerCase(Locale.ROOT), port);
    }

    /** The {@code host} header: the port only when it is not the scheme's default. */
    String authority() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }
}
