package dev.picrust.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picrust.json.Json;
import dev.picrust.testkit.MockLlmServerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link MockLlmServerMain} running in a child JVM, so that its CPU, threads and heap are not the
 * framework's. The child gets the classpath that holds the testkit and what it needs (one jar when
 * this runs from the shaded CLI jar), prints {@code LISTENING <port>}, and exits when its stdin
 * closes.
 */
public final class MockServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Conversations the server runs against itself before it listens for us, so that its CPU during
     * the measurement (taken from the agents' two cores) is that of compiled code, not of the JIT.
     */
    private static final int WARM_UP_CONNECTIONS = Integer.getInteger("picrust.bench.mockWarmUpConnections", 3000);

    private final Process process;
    private final int port;
    private final StringBuilder errors;

    private MockServerProcess(Process process, int port, StringBuilder errors) {
        this.process = process;
        this.port = port;
        this.errors = errors;
    }

    /** Starts the server: every request is answered after {@code latency} by a K-step tool loop. */
    public static MockServerProcess start(Duration latency, int toolSteps, String toolName) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-cp");
        command.add(serverClasspath());
        // The server is not what is measured: one GC thread leaves the cores to the agents, and a young
        // generation large enough that a run's turn phase needs few or no collections. Each pause of the
        // mock (a serial young collection copies the stacks of thousands of sleeping request threads)
        // holds back a group of answers that then arrive together, and with an exact latency such a group
        // stays together for the rest of the run; that burst would be counted against the agents.
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx3g");
        command.add("-Xms3g");
        command.add("-Xmn2500m");
        command.add("-XX:+AlwaysPreTouch");
        command.add("-XX:TieredStopAtLevel=1");
        String extra = System.getProperty("picrust.bench.mockJvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add(MockLlmServerMain.class.getName());
        command.addAll(List.of("--port", "0", "--latency-ms", Long.toString(latency.toMillis()),
                "--tool-steps", Integer.toString(toolSteps), "--tool-name", toolName));
        if (WARM_UP_CONNECTIONS > 0) {
            command.addAll(List.of("--warm-up-connections", Integer.toString(WARM_UP_CONNECTIONS)));
        }
        Process process = new ProcessBuilder(command).start();
        StringBuilder errors = new StringBuilder();
        Thread.ofVirtual().name("mock-server-stderr").start(() -> collect(process, errors));
        CompletableFuture<Integer> listening = CompletableFuture.supplyAsync(() -> readPort(process),
                task -> Thread.ofVirtual().start(task));
        try {
            int port = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new MockServerProcess(process, port, errors);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the mock server");
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            String stderr;
            synchronized (errors) {
                stderr = errors.toString();
            }
            throw new IOException("the mock server did not start: " + (e.getCause() == null ? e : e.getCause())
                    + (stderr.isBlank() ? "" : "; its stderr: " + stderr.strip()));
        }
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** CPU time the server process has used so far, where the platform reports it. */
    public Optional<Duration> cpuTime() {
        return process.toHandle().info().totalCpuDuration();
    }

    public long pid() {
        return process.pid();
    }

    /** Closes the child's stdin (its signal to exit) and waits; kills it if it lingers. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int readPort(Process process) {
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("LISTENING ")) {
                    int port = Integer.parseInt(line.substring("LISTENING ".length()).strip());
                    // Keep draining so the child never blocks on a full stdout pipe.
                    Thread.ofVirtual().name("mock-server-stdout").start(() -> drain(out));
                    return port;
                }
            }
            throw new IllegalStateException("the mock server exited (code "
                    + process.waitFor() + ") before printing LISTENING");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discarded
            }
        } catch (IOException ignored) {
            // the child is gone
        }
    }

    private static void collect(Process process, StringBuilder errors) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                synchronized (errors) {
                    if (errors.length() < 8192) {
                        errors.append(line).append('\n');
                    }
                }
            }
        } catch (IOException ignored) {
            // the child is gone
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Where the classes the server needs were loaded from: the testkit, core and Jackson. From the
     * shaded CLI jar that is the jar itself; from Maven or an IDE, a few folders and jars.
     */
    static String serverClasspath() {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> type : List.of(MockLlmServerMain.class, Json.class, ObjectMapper.class,
                com.fasterxml.jackson.core.JsonFactory.class,
                com.fasterxml.jackson.annotation.JsonAutoDetect.class)) {
            entries.add(locationOf(type));
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String locationOf(Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("cannot tell where " + type.getName() + " was loaded from");
        }
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath().toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("odd code source of " + type.getName() + ": " + source.getLocation(), e);
        }
    }
}
