package dev.picrust.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that answers with whatever bytes a test scripts, for wire cases a well-behaved
 * server never produces. Each accepted connection runs the script on its own virtual thread.
 */
final class RawHttpServer implements AutoCloseable {

    /** What to do on one connection; {@code index} counts connections from 0. */
    interface Script {
        void serve(int index, Connection connection) throws IOException;
    }

    /** One accepted connection with request reading and raw writing. */
    static final class Connection {
        final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads one request (head and content-length body); null when the client closed instead. */
        String readRequest() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : 0;
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }

        void write(String ascii) throws IOException {
            out.write(ascii.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void close() throws IOException {
            socket.close();
        }
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RawHttpServer(Script script) throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), script);
    }

    RawHttpServer(ServerSocket server, Script script) {
        this.server = server;
        this.acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    int index = connections.getAndIncrement();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            script.serve(index, new Connection(socket));
                        } catch (IOException ignored) {
                            // The client went away; the test checks what it saw.
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + path);
    }

    int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
