package dev.picrust.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real MCP servers from npm, installed at pinned versions by {@code scripts/mcp-test-servers}
 * (which the first test to need them runs) and started with the Node 22 of {@code scripts/node22}.
 */
final class McpTestServers {
    private static Path packages;
    private static String node;

    private McpTestServers() {
    }

    static synchronized Path packages() {
        if (packages == null) {
            packages = Path.of(script("mcp-test-servers")).resolve("node_modules/@modelcontextprotocol");
        }
        return packages;
    }

    static synchronized String node() {
        if (node == null) {
            node = script("node22");
        }
        return node;
    }

    static McpServerConfig.Stdio everything(String name) {
        return new McpServerConfig.Stdio(name, node(),
                List.of(packages().resolve("server-everything/dist/index.js").toString(), "stdio"), Map.of(),
                Optional.empty());
    }

    static McpServerConfig.Stdio filesystem(String name, Path root) {
        return new McpServerConfig.Stdio(name, node(),
                List.of(packages().resolve("server-filesystem/dist/index.js").toString(), root.toString()), Map.of(),
                Optional.empty());
    }

    /** server-everything over Streamable HTTP on a free loopback port; close it to stop it. */
    static HttpServer everythingOverHttp() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return everythingOverHttp(port);
    }

    static HttpServer everythingOverHttp(int port) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(node(), packages().resolve("server-everything/dist/index.js").toString(),
                "streamableHttp");
        pb.environment().put("PORT", Integer.toString(port));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = pb.start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    if (line.contains("listening on port")) {
                        listening.complete(null);
                    }
                }
                listening.completeExceptionally(new IOException("server-everything exited before listening"));
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
        });
        try {
            listening.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("server-everything did not start: " + e, e);
        }
        return new HttpServer(process, "http://127.0.0.1:" + port + "/mcp");
    }

    record HttpServer(Process process, String url) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Waits, polling, until {@code condition} holds; fails the test at the deadline. */
    static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String script(String name) {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("scripts").resolve(name))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("scripts/" + name + " not found above " + Path.of("").toAbsolutePath());
        }
        try {
            Process p = new ProcessBuilder("bash", root.resolve("scripts").resolve(name).toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new IllegalStateException("scripts/" + name + " failed with exit code " + p.exitValue());
            }
            return out.lines().reduce((a, b) -> b).orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run scripts/" + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
