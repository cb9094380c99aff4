package dev.picrust.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.picrust.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serves an {@link AgentMcpServer} over stdio: one JSON-RPC message per line in and out. Each
 * request runs on its own virtual thread, so a long agent task does not hold up pings or other calls;
 * lines are written whole under a lock. Returns when the input ends (the host closed it).
 */
public final class McpStdioServer {
    private final AgentMcpServer server;
    private final ReentrantLock writeLock = new ReentrantLock();

    public McpStdioServer(AgentMcpServer server) {
        this.server = server;
    }

    public void serve(InputStream in, OutputStream out) throws IOException, InterruptedException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try (var calls = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode message;
                try {
                    message = Json.parse(line);
                } catch (IOException e) {
                    write(writer, AgentMcpServer.error(NullNode.getInstance(), -32700, "Parse error"));
                    continue;
                }
                calls.submit(() -> server.handle(message, n -> write(writer, n)).ifPresent(r -> write(writer, r)));
            }
        }
    }

    private void write(Writer writer, JsonNode message) {
        writeLock.lock();
        try {
            writer.write(Json.write(message));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the MCP host stopped reading", e);
        } finally {
            writeLock.unlock();
        }
    }
}
