package dev.picrust.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load harness end to end at a small size: a real child JVM serving the mock model over
 * loopback HTTP, real sessions on disk. Asserts correctness and that every figure is filled in
 * sensibly; timing targets are for the real runs (docs/BENCHMARKS.md), not for a test.
 */
class AgentLoadBenchmarkIT {
    private static final int AGENTS = 50;
    private static final int STEPS = 3;
    private static final long LATENCY_MS = 50;

    @TempDir Path dir;

    @Test
    void fiftyAgentsRunTheirToolLoopsAgainstTheMockServerProcess() throws Exception {
        Path jsonl = dir.resolve("reports/agents.jsonl");
        LoadSettings settings = LoadSettings.of(AGENTS, STEPS, LATENCY_MS)
                .withWarmupAgents(5)
                .withSessionsDir(dir.resolve("sessions"))
                .withJsonl(jsonl);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        LoadReport report = new AgentLoadBenchmark(settings, new PrintStream(log, true, StandardCharsets.UTF_8)).run();

        assertThat(report.failureSamples()).isEmpty();
        assertThat(report.completed()).isEqualTo(AGENTS);
        assertThat(report.failed()).isZero();
        assertThat(report.transport()).isEqualTo("http");
        assertThat(report.iterations()).isEqualTo((long) AGENTS * (STEPS + 1));
        // Per agent: the prompt, then per step the assistant's call, the permission record and the
        // result, then the final answer.
        assertThat(report.historyRecords()).isEqualTo((long) AGENTS * (3 * STEPS + 2));
        assertThat(report.idealWallMillis()).isEqualTo(LATENCY_MS + (STEPS + 1) * LATENCY_MS);
        assertThat(report.turns().count()).isEqualTo(AGENTS);
        assertThat(report.turns().p50Ms()).isGreaterThanOrEqualTo((STEPS + 1) * LATENCY_MS);
        assertThat(report.wallMillis()).isGreaterThanOrEqualTo((STEPS + 1) * LATENCY_MS);
        assertThat(report.addedLatency().count()).isEqualTo(AGENTS * STEPS);
        assertThat(report.addedLatency().p50Ms()).isPositive()
                .isLessThanOrEqualTo(report.addedLatency().p99Ms());
        assertThat(report.cpuNanos()).isPositive();
        // Every call allocates at least its request body and the answer's events.
        assertThat(report.allocatedBytes()).isPositive();
        assertThat(report.allocatedKibPerIteration()).isGreaterThan(1.0);
        assertThat(report.serverCpuNanos()).hasValueSatisfying(cpu -> assertThat(cpu).isPositive());
        assertThat(report.heapIdleBytes()).isPositive();
        assertThat(report.heapBaselineBytes()).isPositive();
        assertThat(report.peakPlatformThreads()).isPositive();
        assertThat(report.sessionBytes()).isPositive();
        assertThat(report.fsyncs()).isPositive();
        assertThat(report.journalBytes()).isGreaterThan(report.sessionBytes() / 2);

        // The sessions were made under --sessions-dir and deleted afterwards.
        try (Stream<Path> left = Files.list(dir.resolve("sessions"))) {
            assertThat(left.toList()).isEmpty();
        }
        List<String> lines = Files.readAllLines(jsonl);
        assertThat(lines).hasSize(1);
        JsonNode json = Json.parse(lines.getFirst());
        assertThat(json.get("completed").asInt()).isEqualTo(AGENTS);
        assertThat(json.get("added_latency_ms").get("count").asInt()).isEqualTo(AGENTS * STEPS);
        assertThat(report.toText()).contains("50 completed, 0 failed");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("listening on http://127.0.0.1:");
    }

    @Test
    void keptSessionsHoldEveryAgentsWholeConversation() throws Exception {
        LoadSettings settings = LoadSettings.of(5, 2, 10)
                .withWarmupAgents(0)
                .withTransport(LoadSettings.Transport.IN_PROCESS)
                .withSessionsDir(dir)
                .withKeepSessions(true);

        LoadReport report = new AgentLoadBenchmark(settings, new PrintStream(new ByteArrayOutputStream())).run();

        assertThat(report.completed()).isEqualTo(5);
        Path run;
        try (Stream<Path> made = Files.list(dir)) {
            run = made.findFirst().orElseThrow().resolve("run");
        }
        try (Stream<Path> sessions = Files.list(run)) {
            List<Path> histories = sessions.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().startsWith("."))
                    .map(d -> d.resolve("history.jsonl")).toList();
            assertThat(histories).hasSize(5);
            for (Path history : histories) {
                List<String> records = Files.readAllLines(history);
                assertThat(records).hasSize(3 * 2 + 2);
                assertThat(records.getLast()).contains("Done after 2 tool calls.");
            }
        }
        // Every session was closed, so the journal has nothing left to protect.
        assertThat(run.resolve(".journal")).isEmptyDirectory();
    }
}
