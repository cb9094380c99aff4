package dev.picrust.bench.load;

import com.sun.management.OperatingSystemMXBean;
import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Permissions;
import dev.picrust.llm.LlmProvider;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.AgentState;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.JsonlSessionStore;
import dev.picrust.session.SessionStore;
import dev.picrust.session.WriteStats;
import dev.picrust.tool.ToolRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * The many-agents load run: N agents in this JVM, each on its own session, each running one turn of
 * K tool calls and a final answer against a mock model with L ms latency per call. See
 * {@code docs/BENCHMARKS.md} for what every figure means.
 *
 * <p>Phases: start the model endpoint; measure the baseline heap; spawn every agent (sessions
 * created) and subscribe to each; send every agent its prompt and wait for every {@code done}
 * chunk (the timed turn phase); measure the heap with every agent idle; shut down; size the
 * sessions; delete them unless kept.
 */
public final class AgentLoadBenchmark {
    static final String PROMPT = "Run the load-test tool loop.";
    private static final int SUBSCRIPTION_CAPACITY = 512;
    private static final int SPAWN_CONCURRENCY = 128;
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(20);
    private static final Duration SWEEP_INTERVAL = Duration.ofMillis(250);
    private static final int FAILURE_SAMPLES = 5;

    private final LoadSettings settings;
    private final PrintStream log;

    public AgentLoadBenchmark(LoadSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    public LoadReport run() throws IOException, InterruptedException {
        Path parent = settings.sessionsDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        Files.createDirectories(parent);
        Path sessions = Files.createTempDirectory(parent.toAbsolutePath(), "picrust-bench-");
        try {
            if (settings.warmupAgents() > 0) {
                warmUp(sessions.resolve("warmup"));
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            deleteRecursively(sessions);
            throw e;
        }
        try (ModelEndpoint endpoint = ModelEndpoint.open(settings.transport(), settings.steps(),
                Duration.ofMillis(settings.latencyMs()), log)) {
            LoadReport report = runAgainst(endpoint, sessions.resolve("run"));
            settings.jsonl().ifPresent(file -> appendJsonl(file, report));
            return report;
        } finally {
            if (settings.keepSessions()) {
                log.println("sessions kept in " + sessions);
            } else {
                deleteRecursively(sessions);
            }
        }
    }

    /**
     * Runs the same code paths (with the same classes: provider, decorator, tool) many thousands of
     * times against a fast mock model, so what is measured next is the compiled framework, not the JIT.
     */
    private void warmUp(Path sessions) throws IOException, InterruptedException {
        int agents = settings.warmupAgents();
        long start = System.nanoTime();
        try (ModelEndpoint endpoint = ModelEndpoint.open(settings.transport(), settings.steps(),
                Duration.ofMillis(LoadSettings.WARMUP_LATENCY_MS), log)) {
            AgentConfig config = agentConfig(endpoint, new TimingRegistry(), sessions);
            try (AgentRuntime runtime = new AgentRuntime(new JsonlSessionStore(sessions))) {
                List<Thread> drivers = new ArrayList<>();
                int[] failures = new int[1];
                for (int i = 0; i < agents; i++) {
                    AgentHandle handle = runtime.spawn(config, String.format("warmup-%06d", i));
                    drivers.add(Thread.ofVirtual().start(() -> {
                        try (Subscription sub = handle.subscribe(SUBSCRIPTION_CAPACITY)) {
                            for (int turn = 0; turn < settings.warmupTurns() || !gcWarmedUp(start); turn++) {
                                handle.send(PROMPT);
                                Optional<OutputChunk> chunk;
                                while ((chunk = sub.next()).isPresent() && !(chunk.get() instanceof OutputChunk.Done)) {
                                    if (chunk.get() instanceof OutputChunk.Error) {
                                        synchronized (failures) {
                                            failures[0]++;
                                        }
                                    }
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
                }
                for (Thread t : drivers) {
                    t.join();
                }
                if (failures[0] > 0) {
                    throw new IllegalStateException(failures[0] + " errors during the warm-up; is the mock model up?");
                }
            }
        }
        deleteRecursively(sessions);
        log.printf("warmed up: %d agents x at least %d turns in %d ms%n", agents, settings.warmupTurns(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * ZGC runs its first three major collections early, by a start-up rule ("Warmup"), whatever the
     * heap needs; a long-running JVM is past them. The warm-up goes on until they are done (or for at
     * most two minutes), so none of them lands in the measured turns. Other collectors have no such
     * rule.
     */
    private static boolean gcWarmedUp(long warmUpStart) {
        if (System.nanoTime() - warmUpStart > Duration.ofMinutes(2).toNanos()) {
            return true;
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().equals("ZGC Major Cycles")) {
                return gc.getCollectionCount() >= 3;
            }
        }
        return true;
    }

    private AgentConfig agentConfig(ModelEndpoint endpoint, TimingRegistry timings, Path workingDirectory) {
        return AgentConfig.builder(new TimedProvider(endpoint.provider(), timings))
                .agentType("bench")
                .systemPrompt("You are a load-test agent. Call the echo tool when asked.")
                .tools(new ToolRegistry().register(new EchoTool(timings, EchoTool.WRITES)))
                // A tool that writes needs a rule to run headless; a read-only one is allowed by default.
                .permissions(EchoTool.WRITES ? Permissions.defaults().allow(EchoTool.NAME) : Permissions.defaults())
                .maxIterations(settings.callsPerAgent() + 2)
                .maxTokens(1024)
                .workingDirectory(workingDirectory)
                .build();
    }

    private LoadReport runAgainst(ModelEndpoint endpoint, Path sessions) throws InterruptedException {
        int n = settings.agents();
        TimingRegistry timings = new TimingRegistry();
        AgentConfig config = agentConfig(endpoint, timings, sessions);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

        long heapBaseline = usedHeapAfterGc();
        JsonlSessionStore store = new JsonlSessionStore(sessions);
        AgentRuntime runtime = new AgentRuntime(store);
        AgentHandle[] handles = new AgentHandle[n];
        Subscription[] subscriptions = new Subscription[n];
        long spawnStart = System.nanoTime();
        spawnAll(runtime, config, handles, subscriptions);
        long spawnMillis = (System.nanoTime() - spawnStart) / 1_000_000;
        // Creating every session at once leaves garbage a real deployment spreads over hours; it is
        // collected here so that collection does not land in the turn phase.
        System.gc();
        log.printf("spawned %d agents in %d ms; sending prompts%n", n, spawnMillis);

        double loadAverage = os.getSystemLoadAverage();
        Optional<Duration> serverCpuStart = endpoint.serverCpu();
        long cpuStart = os.getProcessCpuTime();
        long allocatedStart = allocatedBytes();
        long turnStart = System.nanoTime();
        PromptSender sender = new PromptSender(handles, turnStart, Duration.ofMillis(settings.rampMs()));
        Thread senderThread = Thread.ofVirtual().name("bench-prompts").start(sender);
        Outcomes outcomes = watch(subscriptions, sender, turnStart);
        senderThread.join();
        long turnEnd = outcomes.lastDone();
        long cpuNanos = os.getProcessCpuTime() - cpuStart;
        long allocated = allocatedBytes() - allocatedStart;
        Optional<Long> serverCpu = serverCpuStart.flatMap(start -> endpoint.serverCpu()
                .map(end -> end.minus(start).toNanos()));

        // Added latency and tool time, from every agent's own timeline.
        List<AgentTimings> all = timings.all();
        long iterations = 0;
        long toolNanos = 0;
        long toolCalls = 0;
        int gapTotal = 0;
        for (AgentTimings t : all) {
            iterations += t.calls();
            toolNanos += t.toolNanos();
            toolCalls += t.toolCalls();
            gapTotal += t.gapCount();
        }
        long[] gaps = new long[gapTotal];
        int filled = 0;
        for (AgentTimings t : all) {
            filled += t.copyGaps(gaps, filled);
        }
        LatencySummary added = LatencySummary.ofNanos(gaps, filled);
        all = null;
        gaps = null;

        awaitIdle(handles, Duration.ofSeconds(30));
        for (Subscription s : subscriptions) {
            s.close();
        }
        timings.clear();
        long heapIdle = usedHeapAfterGc();
        int peakThreads = threads.getPeakThreadCount();
        log.printf("measured; shutting %d agents down%n", n);

        List<String> stuck = runtime.shutdownAll(Duration.ofSeconds(60));
        if (!stuck.isEmpty()) {
            log.printf("%d agents did not stop within 60 s%n", stuck.size());
        }
        SessionFiles files = SessionFiles.measure(sessions);
        WriteStats writes = store.writeStats();
        return new LoadReport(settings.transport().name().toLowerCase(), n, settings.steps(), settings.latencyMs(),
                outcomes.completed(), n - outcomes.completed(), outcomes.failureSamples(), spawnMillis,
                settings.rampMs(), (turnEnd - turnStart) / 1_000_000, settings.idealWall().toMillis(),
                outcomes.turns(), settings.idealTurn().toMillis(), iterations, cpuNanos, allocated, serverCpu,
                added, toolCalls == 0 ? 0 : toolNanos / 1e3 / toolCalls, heapBaseline, heapIdle, peakThreads,
                files.bytes(), files.historyRecords(), writes.syncs(), writes.journalBytes(), jdk(),
                Runtime.getRuntime().availableProcessors(), loadAverage,
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()), Instant.now());
    }

    private void spawnAll(AgentRuntime runtime, AgentConfig config, AgentHandle[] handles,
                          Subscription[] subscriptions) throws InterruptedException {
        Semaphore permits = new Semaphore(SPAWN_CONCURRENCY);
        List<Future<?>> spawned = new ArrayList<>(handles.length);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < handles.length; i++) {
                int index = i;
                permits.acquire();
                spawned.add(pool.submit(() -> {
                    try {
                        AgentHandle handle = runtime.spawn(config, String.format("bench-%06d", index));
                        subscriptions[index] = handle.subscribe(SUBSCRIPTION_CAPACITY);
                        handles[index] = handle;
                    } finally {
                        permits.release();
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : spawned) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("could not spawn an agent: " + e.getCause(), e.getCause());
            }
        }
    }

    /**
     * Drains the subscriptions until each agent's turn is done or the timeout passes. No turn can
     * end before its prompt's send time plus the ideal turn, so agents are looked at every few
     * milliseconds only from then on (and every agent a few times a second): that keeps the harness's
     * own cost out of the figures (no reader thread per agent, no wake-up per chunk) and blurs turn
     * ends by at most the interval.
     */
    private Outcomes watch(Subscription[] subscriptions, PromptSender sender, long turnStart)
            throws InterruptedException {
        int n = subscriptions.length;
        EndReason[] doneReason = new EndReason[n];
        String[] firstError = new String[n];
        long[] turnNanos = new long[n];
        int remaining = n;
        long lastDone = turnStart;
        long deadline = turnStart + settings.rampMs() * 1_000_000 + settings.timeout().toNanos();
        long nextProgress = turnStart + Duration.ofSeconds(5).toNanos();
        long earliestEnd = settings.idealTurn().toNanos();
        long nextSweep = turnStart;
        List<OutputChunk> batch = new ArrayList<>();
        while (remaining > 0 && System.nanoTime() < deadline) {
            int sent = sender.sent();
            long now = System.nanoTime();
            // Every agent's buffer is emptied now and then, as a front end would, so chunks die young
            // instead of piling up for the whole turn; agents that may be done are looked at each pass.
            boolean sweep = now >= nextSweep;
            if (sweep) {
                nextSweep = now + SWEEP_INTERVAL.toNanos();
            }
            for (int i = 0; i < sent; i++) {
                if (doneReason[i] != null) {
                    continue;
                }
                if (!sweep && now - sender.sentAt(i) < earliestEnd) {
                    break; // prompts went out in index order, so no later agent can be done either
                }
                batch.clear();
                subscriptions[i].drainTo(batch);
                for (OutputChunk chunk : batch) {
                    switch (chunk) {
                        case OutputChunk.Done done -> doneReason[i] = done.reason();
                        case OutputChunk.Error error -> {
                            if (firstError[i] == null) {
                                firstError[i] = error.message();
                            }
                        }
                        default -> { }
                    }
                    if (doneReason[i] != null) {
                        remaining--;
                        lastDone = System.nanoTime();
                        turnNanos[n - remaining - 1] = lastDone - sender.sentAt(i);
                        break;
                    }
                }
            }
            now = System.nanoTime();
            if (now >= nextProgress) {
                log.printf("  %d s: %d of %d agents done%n", (now - turnStart) / 1_000_000_000, n - remaining, n);
                nextProgress += Duration.ofSeconds(5).toNanos();
            }
            if (remaining > 0) {
                Thread.sleep(WATCH_INTERVAL);
            }
        }
        int completed = 0;
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean ok = doneReason[i] == EndReason.END_TURN && firstError[i] == null;
            if (ok) {
                completed++;
            } else if (samples.size() < FAILURE_SAMPLES) {
                samples.add(String.format("bench-%06d: %s", i, doneReason[i] == null
                        ? "no done chunk within " + settings.timeout().toSeconds() + " s"
                        : "done(" + doneReason[i] + ")" + (firstError[i] == null ? "" : ": " + firstError[i])));
            }
        }
        return new Outcomes(completed, samples, remaining > 0 ? System.nanoTime() : lastDone,
                LatencySummary.ofNanos(turnNanos, n - remaining));
    }

    private record Outcomes(int completed, List<String> failureSamples, long lastDone, LatencySummary turns) {}

    private static void awaitIdle(AgentHandle[] handles, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (AgentHandle h : handles) {
            while (!(h.state() instanceof AgentState.Idle) && !h.state().isTerminal()
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
    }

    /**
     * Heap bytes allocated by every thread of this JVM so far. Virtual threads allocate in their
     * carriers' buffers, so the carriers' counts include them. Unlike CPU time this barely moves with
     * the machine's load, which makes it the figure to compare two builds by.
     */
    private static long allocatedBytes() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                ? threads.getTotalThreadAllocatedBytes() : -1;
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String jdk() {
        return System.getProperty("java.vm.vendor", "") + " " + Runtime.version();
    }

    private void appendJsonl(Path file, LoadReport report) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, dev.picrust.json.Json.write(report.toJson()) + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The model the agents talk to, and the process behind it if there is one. */
    private record ModelEndpoint(LlmProvider provider, Optional<AutoCloseable> transport, Optional<MockServerProcess> server)
            implements AutoCloseable {
        static ModelEndpoint open(LoadSettings.Transport transport, int steps, Duration latency, PrintStream log)
                throws IOException {
            return switch (transport) {
                case IN_PROCESS -> new ModelEndpoint(new SleepingToolLoopModel(steps, latency, EchoTool.NAME),
                        Optional.empty(), Optional.empty());
                case HTTP -> {
                    MockServerProcess server = MockServerProcess.start(latency, steps, EchoTool.NAME);
                    log.printf("mock server pid %d listening on %s%n", server.pid(), server.baseUrl());
                    try {
                        HttpModel.Endpoint http = HttpModel.provider(server.baseUrl());
                        yield new ModelEndpoint(http.provider(), Optional.of(http.transport()), Optional.of(server));
                    } catch (RuntimeException e) {
                        server.close();
                        throw e;
                    }
                }
            };
        }

        Optional<Duration> serverCpu() {
            return server.flatMap(MockServerProcess::cpuTime);
        }

        @Override
        public void close() {
            transport.ifPresent(t -> {
                try {
                    t.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing the HTTP transport failed", e);
                }
            });
            server.ifPresent(MockServerProcess::close);
        }
    }
}
