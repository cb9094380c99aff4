package dev.picrust.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs {@link MockLlmServer} as its own process for load benchmarks, answering every streamed or
 * plain request with a {@link ToolLoopResponder} conversation.
 *
 * <pre>
 * java -cp ... dev.picrust.testkit.MockLlmServerMain --port 0 --latency-ms 2000 --tool-steps 3 --tool-name echo
 * </pre>
 *
 * Prints {@code LISTENING <port>} once it accepts connections; exits when stdin reaches end of
 * file or on SIGTERM. With {@code --warm-up-connections N} it first runs N whole conversations
 * against itself (one connection each, 1 ms latency), so that a benchmark measures compiled code.
 */
public final class MockLlmServerMain {
    private MockLlmServerMain() {}

    public static void main(String[] args) throws IOException {
        int port = 0;
        long latencyMs = 0;
        int toolSteps = 1;
        String toolName = "echo";
        Optional<JsonNode> toolInput = Optional.empty();
        int warmUpConnections = 0;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                System.out.println(usage());
                return;
            }
            if (i + 1 >= args.length) {
                fail("missing value for " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--port" -> port = Integer.parseInt(value);
                case "--latency-ms" -> latencyMs = Long.parseLong(value);
                case "--tool-steps" -> toolSteps = Integer.parseInt(value);
                case "--tool-name" -> toolName = value;
                case "--tool-input" -> toolInput = Optional.of(parseJson(value));
                case "--warm-up-connections" -> warmUpConnections = Integer.parseInt(value);
                default -> fail("unknown option " + flag);
            }
        }

        MockLlmServer server = MockLlmServer.start(port)
                .recordRequests(false)
                .respondAlways(new ToolLoopResponder(toolSteps, toolName, toolInput));
        if (warmUpConnections > 0) {
            server.latency(Duration.ofMillis(1)); // so the sleeping path is warmed up too
            ServerWarmUp.run(server, toolSteps, warmUpConnections);
        }
        server.latency(Duration.ofMillis(latencyMs));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mock-llm-shutdown"));
        System.out.println("LISTENING " + server.port());
        System.out.flush();

        InputStream stdin = System.in;
        byte[] buffer = new byte[256];
        while (stdin.read(buffer) >= 0) {
            // Input is ignored; end of file (the parent closed the pipe or died) means stop.
        }
        server.close();
        System.exit(0);
    }

    private static JsonNode parseJson(String text) {
        try {
            return Json.parse(text);
        } catch (JsonProcessingException e) {
            fail("--tool-input is not JSON: " + e.getOriginalMessage());
            throw new AssertionError("unreachable");
        }
    }

    private static void fail(String message) {
        System.err.println("MockLlmServerMain: " + message);
        System.err.println(usage());
        System.exit(2);
    }

    private static String usage() {
        return "usage: MockLlmServerMain [--port N] [--latency-ms MS] [--tool-steps K] [--tool-name NAME]"
                + " [--tool-input JSON] [--warm-up-connections N]";
    }
}
