package dev.picrust.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives a {@link MockLlmServer} answering with a {@link ToolLoopResponder} through whole tool-loop
 * conversations over loopback before a benchmark connects, so that what the benchmark's connections
 * run is compiled code. Warming up by requests alone is not enough: a connection's serving loop is
 * entered once per connection, and a connection opened while that method is still interpreted stays
 * in the interpreter (and its frames are frozen and thawed the slow way) for its whole life.
 */
final class ServerWarmUp {
    private static final int CLIENTS = 32;
    private static final byte[] STATUS_OK = "HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE_END = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ServerWarmUp() {}

    /**
     * Opens {@code connections} connections, each making {@code toolSteps + 1} streamed requests
     * (one conversation), {@value #CLIENTS} at a time. Fails if any response is not a 200.
     */
    static void run(MockLlmServer server, int toolSteps, int connections) {
        List<byte[]> requests = new ArrayList<>();
        for (int step = 0; step <= toolSteps; step++) {
            requests.add(request(step));
        }
        AtomicInteger left = new AtomicInteger(connections);
        List<Thread> clients = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Thread.ofVirtual().name("mock-llm-warm-up-" + i).start(() -> {
                try {
                    while (left.getAndDecrement() > 0) {
                        converse(server.port(), requests);
                    }
                } catch (IOException | RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        try {
            for (Thread client : clients) {
                client.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while warming up");
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("warm-up failed", failures.getFirst());
        }
    }

    private static void converse(int port, List<byte[]> requests) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            for (byte[] request : requests) {
                out.write(request);
                readResponse(in, buffer);
            }
        }
    }

    /** Reads one chunked 200 response; it is small, so it ends with the last bytes read. */
    private static void readResponse(InputStream in, byte[] buffer) throws IOException {
        int length = 0;
        boolean checkedStatus = false;
        while (length < RESPONSE_END.length || !endsWithTerminator(buffer, length)) {
            if (length == buffer.length) {
                throw new IOException("warm-up response larger than " + buffer.length + " bytes");
            }
            int read = in.read(buffer, length, buffer.length - length);
            if (read < 0) {
                throw new EOFException("the server closed the connection during the warm-up");
            }
            length += read;
            if (!checkedStatus && length >= STATUS_OK.length) {
                // Anything but a 200 has another framing; fail rather than wait for a chunked end.
                if (!Arrays.equals(buffer, 0, STATUS_OK.length, STATUS_OK, 0, STATUS_OK.length)) {
                    throw new IOException("warm-up request failed: "
                            + new String(buffer, 0, length, StandardCharsets.ISO_8859_1).lines().findFirst().orElse(""));
                }
                checkedStatus = true;
            }
        }
    }

    private static boolean endsWithTerminator(byte[] buffer, int length) {
        for (int i = 0; i < RESPONSE_END.length; i++) {
            if (buffer[length - RESPONSE_END.length + i] != RESPONSE_END[i]) {
                return false;
            }
        }
        return true;
    }

    /** A streamed request {@code step} tool calls into a conversation, shaped like the provider's. */
    private static byte[] request(int step) {
        ObjectNode body = Json.object().put("model", "warm-up").put("max_tokens", 1024);
        body.putArray("system").add(Json.object().put("type", "text")
                .put("text", "You are a load-test agent. Call the echo tool when asked."));
        ObjectNode tool = Json.object().put("name", "echo").put("description", "Echoes its input back.");
        tool.putObject("input_schema").put("type", "object").putObject("properties")
                .putObject("text").put("type", "string");
        body.putArray("tools").add(tool);
        ArrayNode messages = body.putArray("messages");
        messages.add(Json.object().put("role", "user").put("content", "Run the tool loop, please."));
        for (int i = 0; i < step; i++) {
            ObjectNode toolUse = Json.object().put("type", "tool_use").put("id", "toolu_warm_" + i).put("name", "echo");
            toolUse.putObject("input").put("step", i);
            messages.add(Json.object().put("role", "assistant").set("content", Json.array().add(toolUse)));
            ObjectNode result = Json.object().put("type", "tool_result").put("tool_use_id", "toolu_warm_" + i)
                    .put("content", "{\"step\":" + i + "}");
            messages.add(Json.object().put("role", "user").set("content", Json.array().add(result)));
        }
        body.put("stream", true);
        byte[] json = Json.writeBytes(body);
        String head = "POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                + "x-api-key: warm-up\r\nanthropic-version: 2023-06-01\r\ncontent-length: " + json.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + json.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(json, 0, request, headBytes.length, json.length);
        return request;
    }
}
