package dev.picrust.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real MCP servers from npm, for integration tests: installed at pinned versions by the
 * repository's {@code scripts/mcp-test-servers} (run on first use; it does nothing when the cache
 * is already there) and started with the Node 22 of {@code scripts/node22}. The scripts are found
 * by walking up from the current directory (a module folder when Maven runs the tests).
 */
public final class NpmMcpServers {
    private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();
    private static Path packages;
    private static String node;

    private NpmMcpServers() {
    }

    /** The {@code node_modules/@modelcontextprotocol} folder with the installed packages. */
    public static Path packages() {
        LOCK.lock();  // the first call installs, which takes a while: a lock, not a monitor (virtual threads)
        try {
            if (packages == null) {
                packages = Path.of(script("mcp-test-servers")).resolve("node_modules/@modelcontextprotocol");
            }
            return packages;
        } finally {
            LOCK.unlock();
        }
    }

    /** A Node.js >= 22 executable. */
    public static String node() {
        LOCK.lock();
        try {
            if (node == null) {
                node = script("node22");
            }
            return node;
        } finally {
            LOCK.unlock();
        }
    }

    /** The command line of {@code @modelcontextprotocol/server-everything} over stdio. */
    public static List<String> everythingStdio() {
        return List.of(node(), packages().resolve("server-everything/dist/index.js").toString(), "stdio");
    }

    /** The command line of {@code @modelcontextprotocol/server-filesystem} serving {@code root}. */
    public static List<String> filesystemStdio(Path root) {
        return List.of(node(), packages().resolve("server-filesystem/dist/index.js").toString(), root.toString());
    }

    /** The command line of the conformance suite ({@code @modelcontextprotocol/conformance}). */
    public static List<String> conformance() {
        return List.of(node(), packages().resolve("conformance/dist/index.js").toString());
    }

    /** server-everything over Streamable HTTP on a free port; its endpoint is {@link HttpServer#url()}. */
    public static HttpServer everythingOverHttp() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return everythingOverHttp(port);
    }

    /** As {@link #everythingOverHttp()} on a given port (to bring a server back where it was). */
    public static HttpServer everythingOverHttp(int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(node(), packages().resolve("server-everything/dist/index.js").toString(),
                "streamableHttp");
        pb.environment().put("PORT", Integer.toString(port));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = pb.start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
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
            throw new IOException("server-everything did not start on port " + port + ": " + e, e);
        }
        return new HttpServer(process, "http://127.0.0.1:" + port + "/mcp");
    }

    /** A running HTTP server process; closing it stops it (and its children). */
    public record HttpServer(Process process, String url) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
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
            throw new IllegalStateException("interrupted while running scripts/" + name, e);
        }
    }
}
