package dev.picrust.bench;

import dev.picrust.bench.load.AgentLoadBenchmark;
import dev.picrust.bench.load.LoadReport;
import dev.picrust.bench.load.LoadSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the load harness without the CLI:
 * <pre>
 * java -cp "$(cat picrust-bench/target/bench.classpath):picrust-bench/target/classes" \
 *     dev.picrust.bench.BenchMain agents --agents 10000 --steps 5 --latency-ms 2000 [--jsonl FILE]
 * </pre>
 * Prints the report as text on stdout (and appends it as one JSON line to {@code --jsonl});
 * exits 1 if any agent failed.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("agents")) {
            usage("expected the benchmark name 'agents'");
        }
        int agents = 100;
        int steps = 5;
        long latencyMs = 2000;
        Path jsonl = null;
        Path sessionsDir = null;
        boolean keep = false;
        boolean inProcess = false;
        Duration timeout = null;
        Long rampMs = null;
        Integer warmupAgents = null;
        for (int i = 1; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--keep" -> keep = true;
                case "--in-process" -> inProcess = true;
                case "--help", "-h" -> usage(null);
                default -> {
                    if (i + 1 >= args.length) {
                        usage("missing value for " + flag);
                    }
                    String value = args[++i];
                    switch (flag) {
                        case "--agents" -> agents = Integer.parseInt(value);
                        case "--steps" -> steps = Integer.parseInt(value);
                        case "--latency-ms" -> latencyMs = Long.parseLong(value);
                        case "--jsonl" -> jsonl = Path.of(value);
                        case "--sessions-dir" -> sessionsDir = Path.of(value);
                        case "--timeout-s" -> timeout = Duration.ofSeconds(Long.parseLong(value));
                        case "--ramp-ms" -> rampMs = Long.parseLong(value);
                        case "--warmup-agents" -> warmupAgents = Integer.parseInt(value);
                        default -> usage("unknown option " + flag);
                    }
                }
            }
        }
        LoadSettings settings = LoadSettings.of(agents, steps, latencyMs).withKeepSessions(keep);
        if (jsonl != null) {
            settings = settings.withJsonl(jsonl);
        }
        if (sessionsDir != null) {
            settings = settings.withSessionsDir(sessionsDir);
        }
        if (rampMs != null) {
            settings = settings.withRampMs(rampMs)
                    .withTimeout(LoadSettings.defaultTimeout(steps, latencyMs, rampMs));
        }
        if (inProcess) {
            settings = settings.withTransport(LoadSettings.Transport.IN_PROCESS);
        }
        if (warmupAgents != null) {
            settings = settings.withWarmupAgents(warmupAgents);
        }
        if (timeout != null) {
            settings = settings.withTimeout(timeout);
        }
        LoadReport report = new AgentLoadBenchmark(settings, System.err).run();
        System.out.print(report.toText());
        System.exit(report.failed() == 0 ? 0 : 1);
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("BenchMain: " + problem);
        }
        System.err.println("usage: BenchMain agents --agents N --steps K --latency-ms L [--jsonl FILE]"
                + " [--ramp-ms R] [--warmup-agents W] [--sessions-dir DIR] [--keep] [--in-process] [--timeout-s S]");
        System.exit(problem == null ? 0 : 2);
    }
}
