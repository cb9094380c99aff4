package dev.picrust.cli;

import dev.picrust.bench.load.AgentLoadBenchmark;
import dev.picrust.bench.load.LoadReport;
import dev.picrust.bench.load.LoadSettings;
import dev.picrust.cli.args.Command;
import java.nio.file.Path;
import java.time.Duration;

import static dev.picrust.cli.args.Parameter.flag;
import static dev.picrust.cli.args.Parameter.single;
import static dev.picrust.cli.args.ValueType.INT;
import static dev.picrust.cli.args.ValueType.LONG;
import static dev.picrust.cli.args.ValueType.PATH;

/** {@code picrust bench}: benchmarks of the framework itself. */
final class BenchCommand {
    private BenchCommand() {}

    static Command declare() {
        return Command.named("bench", "Benchmarks of the framework itself.")
                .subcommand("agents", () -> new Agents().declare())
                .build();
    }

    static final class Agents {
        Command declare() {
            return Command.named("agents", "N agents in this JVM, each on its own session, each running one turn of K "
                            + "tool calls and a final answer against a mock model in a separate process (real loopback "
                            + "HTTP, streaming, L ms per call). Prints wall time vs ideal, CPU per iteration, added "
                            + "latency, heap per idle agent, threads, session bytes and fsyncs (docs/BENCHMARKS.md).",
                            "Exit code 1 if any agent failed.")
                    .with(single("--agents", INT, "Agents N (default: ${DEFAULT-VALUE}).", v -> agents = v).defaultValue("1000"))
                    .with(single("--steps", INT, "Tool calls K per turn (default: ${DEFAULT-VALUE}).", v -> steps = v)
                            .defaultValue("5"))
                    .with(single("--latency-ms", LONG, "Mock model latency L per call, ms (default: ${DEFAULT-VALUE}).",
                            v -> latencyMs = v).defaultValue("2000"))
                    .with(single("--jsonl", PATH, "Also append the report as one JSON line here.", v -> jsonl = v).label("FILE"))
                    .with(single("--ramp-ms", LONG, "Spread the prompts over this many ms (default: L; 0 sends all at once).",
                            v -> rampMs = v))
                    .with(single("--warmup-agents", INT, "Agents of the JIT warm-up before the measured run "
                            + "(default: min(N, " + LoadSettings.DEFAULT_WARMUP_AGENTS + "); 0 measures a cold JVM).",
                            v -> warmupAgents = v))
                    .with(single("--sessions-dir", PATH, "Make the temp sessions folder here (default: the system temp folder).",
                            v -> sessionsDir = v))
                    .with(flag("--keep", "Keep the sessions after the run.", () -> keep = true))
                    .with(flag("--in-process", "Mock model in this JVM (no HTTP): isolates loop and session costs.",
                            () -> inProcess = true))
                    .with(single("--timeout-s", LONG, "Unfinished agents count as failed after this long "
                            + "(default: ramp + 10 ideal turns + 2 min).", v -> timeoutSeconds = v).label("SECONDS"))
                    .action(parsed -> call())
                    .build();
        }

        int agents;
        int steps;
        long latencyMs;
        Path jsonl;
        Long rampMs;
        Integer warmupAgents;
        Path sessionsDir;
        boolean keep;
        boolean inProcess;
        Long timeoutSeconds;

        int call() throws Exception {
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
