package dev.picrust.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a load run measured. Times are of the turn phase: from the first prompt sent until the last
 * agent's {@code done} chunk was seen (spawning is reported apart).
 *
 * @param wallMillis first prompt sent to last turn done
 * @param idealWallMillis ramp + (K+1) x L: the wall time if the framework took no time at all
 * @param turns each agent's own turn: its prompt sent to its turn done (ideal: (K+1) x L)
 * @param iterations model calls made by all agents (K tool steps + 1 final answer per completed agent)
 * @param cpuNanos CPU time of this whole JVM during the turn phase (everything: loop, HTTP client,
 *                 JSON, session writes, GC, JIT, the harness's own thin timing layer; nothing subtracted)
 * @param allocatedBytes heap bytes this JVM allocated during the turn phase (all threads; -1: unknown)
 * @param serverCpuNanos CPU time of the mock server process during the turn phase, for context
 * @param addedLatency end of one model call to the start of the next, minus the tool's own time
 * @param heapBaselineBytes heap used after GC before any agent existed
 * @param heapIdleBytes heap used after GC with every agent alive and idle after its turn
 * @param peakPlatformThreads peak live platform threads of this JVM (virtual threads are not counted)
 * @param sessionBytes bytes of all session files (history and metadata) after the run
 * @param historyRecords lines appended to history files
 * @param fsyncs forces to disk by the session store: journal group commits, history files forced at
 *               close, metadata files and folders ({@code JsonlSessionStore.writeStats()})
 * @param journalBytes bytes written to the session store's group-commit journal
 * @param loadAverage the machine's one-minute load average when the turn phase began (other
 *                    processes on a shared machine take CPU from the run)
 * @param jvmArguments the flags this JVM was started with
 */
public record LoadReport(String transport, int agents, int steps, long latencyMs, int completed, int failed,
                         List<String> failureSamples, long spawnMillis, long rampMillis, long wallMillis,
                         long idealWallMillis, LatencySummary turns, long idealTurnMillis,
                         long iterations, long cpuNanos, long allocatedBytes, Optional<Long> serverCpuNanos, LatencySummary addedLatency,
                         double toolMicrosMean, long heapBaselineBytes, long heapIdleBytes, int peakPlatformThreads,
                         long sessionBytes, long historyRecords, long fsyncs, long journalBytes, String jdk,
                         int cores, double loadAverage, String jvmArguments, Instant finishedAt) {

    public LoadReport {
        failureSamples = List.copyOf(failureSamples);
    }

    public double wallToIdeal() {
        return idealWallMillis == 0 ? 0 : (double) wallMillis / idealWallMillis;
    }

    public double cpuMicrosPerIteration() {
        return iterations == 0 ? 0 : cpuNanos / 1e3 / iterations;
    }

    public double allocatedKibPerIteration() {
        return iterations == 0 || allocatedBytes < 0 ? 0 : allocatedBytes / 1024.0 / iterations;
    }

    public long retainedBytesPerAgent() {
        return (heapIdleBytes - heapBaselineBytes) / agents;
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("benchmark", "agents").put("transport", transport).put("agents", agents).put("steps", steps)
                .put("latency_ms", latencyMs).put("completed", completed).put("failed", failed);
        failureSamples.forEach(f -> n.withArray("failure_samples").add(f));
        n.put("spawn_ms", spawnMillis).put("ramp_ms", rampMillis).put("wall_ms", wallMillis)
                .put("ideal_wall_ms", idealWallMillis).put("wall_to_ideal", round(wallToIdeal(), 3));
        ObjectNode turn = n.putObject("turn_ms");
        turn.put("ideal", idealTurnMillis).put("p50", round(turns.p50Ms(), 1)).put("p99", round(turns.p99Ms(), 1))
                .put("max", round(turns.maxMs(), 1));
        n
                .put("iterations", iterations).put("cpu_ms", cpuNanos / 1_000_000)
                .put("cpu_us_per_iteration", round(cpuMicrosPerIteration(), 1))
                .put("allocated_bytes", allocatedBytes)
                .put("allocated_kib_per_iteration", round(allocatedKibPerIteration(), 2));
        serverCpuNanos.ifPresent(s -> n.put("server_cpu_ms", s / 1_000_000));
        ObjectNode added = n.putObject("added_latency_ms");
        added.put("count", addedLatency.count()).put("p50", round(addedLatency.p50Ms(), 3))
                .put("p90", round(addedLatency.p90Ms(), 3)).put("p99", round(addedLatency.p99Ms(), 3))
                .put("max", round(addedLatency.maxMs(), 3)).put("mean", round(addedLatency.meanMs(), 3));
        n.put("tool_us_mean", round(toolMicrosMean, 2))
                .put("heap_baseline_bytes", heapBaselineBytes).put("heap_idle_bytes", heapIdleBytes)
                .put("retained_bytes_per_idle_agent", retainedBytesPerAgent())
                .put("peak_platform_threads", peakPlatformThreads)
                .put("session_bytes", sessionBytes).put("history_records", historyRecords)
                .put("fsyncs", fsyncs).put("journal_bytes", journalBytes)
                .put("jdk", jdk).put("cores", cores).put("load_average", round(loadAverage, 2))
                .put("jvm_arguments", jvmArguments).put("finished_at", finishedAt.toString());
        return n;
    }

    public String toText() {
        StringBuilder s = new StringBuilder();
        line(s, "agents", "%d agents x %d tool steps (%s tool), %d ms per model call (%s)", agents, steps,
                EchoTool.WRITES ? "writing" : "read-only", latencyMs, transport);
        line(s, "result", "%d completed, %d failed", completed, failed);
        for (String f : failureSamples) {
            line(s, "  failure", "%s", f);
        }
        line(s, "spawn", "%d ms to create %d sessions and agents", spawnMillis, agents);
        line(s, "wall", "%d ms vs ideal %d ms (ramp %d ms + (K+1) x L) = %.3fx", wallMillis, idealWallMillis,
                rampMillis, wallToIdeal());
        line(s, "turn", "p50 %.0f ms, p99 %.0f ms, max %.0f ms per agent vs ideal %d ms ((K+1) x L)", turns.p50Ms(),
                turns.p99Ms(), turns.maxMs(), idealTurnMillis);
        line(s, "cpu", "%.1f us per iteration (%d ms JVM CPU / %d model calls; nothing subtracted)%s",
                cpuMicrosPerIteration(), cpuNanos / 1_000_000, iterations,
                serverCpuNanos.map(c -> String.format(Locale.ROOT, "; mock server used %d ms", c / 1_000_000))
                        .orElse(""));
        line(s, "allocated", "%.1f KiB per iteration (%d MiB in the turn phase, all threads)",
                allocatedKibPerIteration(), allocatedBytes / 1048576);
        line(s, "added latency", "p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms (%d gaps; tool mean %.1f us)",
                addedLatency.p50Ms(), addedLatency.p90Ms(), addedLatency.p99Ms(), addedLatency.maxMs(),
                addedLatency.count(), toolMicrosMean);
        line(s, "heap", "%.1f KiB retained per idle agent (%.1f MiB idle - %.1f MiB baseline, after GC)",
                retainedBytesPerAgent() / 1024.0, heapIdleBytes / 1048576.0, heapBaselineBytes / 1048576.0);
        line(s, "threads", "%d peak platform threads", peakPlatformThreads);
        line(s, "sessions", "%d bytes in %d history records; %d fsyncs in all (%.2f per record); %d journal bytes",
                sessionBytes, historyRecords, fsyncs, historyRecords == 0 ? 0.0 : (double) fsyncs / historyRecords,
                journalBytes);
        line(s, "machine", "%d cores, load average %.2f at start, JDK %s, %s", cores, loadAverage, jdk, finishedAt);
        line(s, "jvm", "%s", jvmArguments.isBlank() ? "(no flags)" : jvmArguments);
        return s.toString();
    }

    private static void line(StringBuilder s, String label, String format, Object... args) {
        s.append(String.format(Locale.ROOT, "%-14s ", label + ":")).append(String.format(Locale.ROOT, format, args))
                .append('\n');
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
