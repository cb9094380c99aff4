package dev.picrust.cli;

import dev.picrust.bench.load.AgentLoadBenchmark;
import dev.picrust.bench.load.LoadReport;
import dev.picrust.bench.load.LoadSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks of the framework itself.",
        subcommands = {BenchCommand.Agents.class, CommandLine.HelpCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "agents", sortOptions = false,
            description = {"N agents in this JVM, each on its own session, each running one turn of K tool calls "
                    + "and a final answer against a mock model in a separate process (real loopback HTTP, "
                    + "streaming, L ms per call). Prints wall time vs ideal, CPU per iteration, added latency, "
                    + "heap per idle agent, threads, session bytes and fsyncs (docs/BENCHMARKS.md).",
                    "Exit code 1 if any agent failed."})
    static final class Agents implements Callable<Integer> {
        @Option(names = "--agents", defaultValue = "1000", description = "Agents N (default: ${DEFAULT-VALUE}).")
        int agents;

        @Option(names = "--steps", defaultValue = "5", description = "Tool calls K per turn (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--latency-ms", defaultValue = "2000",
                description = "Mock model latency L per call, ms (default: ${DEFAULT-VALUE}).")
        long latencyMs;

        @Option(names = "--jsonl", paramLabel = "FILE", description = "Also append the report as one JSON line here.")
        Path jsonl;

        @Option(names = "--ramp-ms", description = "Spread the prompts over this many ms (default: L; 0 sends all at once).")
        Long rampMs;

        @Option(names = "--warmup-agents", description = "Agents of the JIT warm-up before the measured run "
                + "(default: min(N, " + LoadSettings.DEFAULT_WARMUP_AGENTS + "); 0 measures a cold JVM).")
        Integer warmupAgents;

        @Option(names = "--sessions-dir", description = "Make the temp sessions folder here (default: the system temp folder).")
        Path sessionsDir;

        @Option(names = "--keep", description = "Keep the sessions after the run.")
        boolean keep;

        @Option(names = "--in-process", description = "Mock model in this JVM (no HTTP): isolates loop and session costs.")
        boolean inProcess;

        @Option(names = "--timeout-s", description = "Unfinished agents count as failed after this long "
                + "(default: ramp + 10 ideal turns + 2 min).")
        Long timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            LoadSettings settings;
            try {
                settings = LoadSettings.of(agents, steps, latencyMs).withKeepSessions(keep);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            if (rampMs != null) {
                if (rampMs < 0) {
                    throw new CliException("--ramp-ms must be >= 0");
                }
                settings = settings.withRampMs(rampMs)
                        .withTimeout(LoadSettings.defaultTimeout(steps, latencyMs, rampMs));
            }
            if (warmupAgents != null) {
                if (warmupAgents < 0) {
                    throw new CliException("--warmup-agents must be >= 0");
                }
                settings = settings.withWarmupAgents(warmupAgents);
            }
            if (jsonl != null) {
                settings = settings.withJsonl(jsonl);
            }
            if (sessionsDir != null) {
                settings = settings.withSessionsDir(sessionsDir);
            }
            if (inProcess) {
                settings = settings.withTransport(LoadSettings.Transport.IN_PROCESS);
            }
            if (timeoutSeconds != null) {
                settings = settings.withTimeout(Duration.ofSeconds(timeoutSeconds));
            }
            LoadReport report = new AgentLoadBenchmark(settings, System.err).run();
            System.out.print(report.toText());
            return report.failed() == 0 ? 0 : 1;
        }
    }
}
