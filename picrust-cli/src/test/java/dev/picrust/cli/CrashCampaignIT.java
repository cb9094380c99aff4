package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.RecordedRequest;
import dev.picrust.testkit.ServerStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Effects at most once across {@code kill -9}: a real {@code picrust run} works through steps of two
 * Bash calls each, every call appending lines to a file around a sleep (so a call killed midway has
 * done part of its work, and a process that outlived the JVM would finish it). The JVM is killed at
 * a random moment, the session is resumed with {@code picrust run --resume}, and every line that
 * appears twice is an effect repeated.
 *
 * <p>The model is a sensible one: a call whose result is missing or says "interrupted" or "not run"
 * is run again; a result, an error, or "started before a crash" counts as done (it was told to check
 * rather than repeat). Runs: {@value #DEFAULT_RUNS} by default, {@code -Dpicrust.crash.runs=N} for
 * a longer campaign; the seed is printed, {@code -Dpicrust.crash.seed=S} repeats one.
 */
@Timeout(600)
class CrashCampaignIT {
    static final int DEFAULT_RUNS = 5;
    static final int STEPS = 3;

    @TempDir Path dir;
    MockLlmServer server;

    @BeforeEach
    void start() {
        server = MockLlmServer.start();
        server.respondAlways(CrashCampaignIT::sensibleModel);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Runs that do one piece of work each: the step's undone parts, in one message. */
    static ServerStep sensibleModel(RecordedRequest request) {
        Map<String, String> results = new HashMap<>();
        for (Message m : request.messages()) {
            if (m.role() == Role.USER) {
                for (ToolResultBlock r : m.toolResults()) {
                    results.put(r.toolUseId(), r.text());
                }
            }
        }
        Set<String> done = new HashSet<>();
        for (Message m : request.messages()) {
            for (ToolUseBlock use : m.toolUses()) {
                String result = results.get(use.id());
                if (result != null && !result.startsWith("interrupted") && !result.startsWith("not run")) {
                    done.add(use.input().path("description").asText());
                }
            }
        }
        for (int step = 1; step <= STEPS; step++) {
            List<ContentBlock> calls = new ArrayList<>();
            for (String part : List.of("a", "b")) {
                String label = step + part;
                if (!done.contains(label)) {
                    String marker = request.messages().getFirst().text().replaceAll("\\D", "");
                    calls.add(new ToolUseBlock("toolu_" + UUID.randomUUID().toString().replace("-", ""), "Bash",
                            Json.object().put("description", label).put("command",
                                    "echo " + label + "1 >> effects.log; sleep 0.15" + marker
                                            + "; echo " + label + "2 >> effects.log")));
                }
            }
            if (!calls.isEmpty()) {
                return new ServerStep.Respond(new LlmResponse("msg", "m", calls, StopReason.TOOL_USE, Usage.ZERO));
            }
        }
        return new ServerStep.Respond(new LlmResponse("msg", "m", List.of(new TextBlock("all done")),
                StopReason.END_TURN, Usage.ZERO));
    }

    CliProcess cli(Path workspace, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run", "--sessions-dir", dir.resolve("sessions").toString(),
                "--cwd", workspace.toString(), "--allow", "Bash"));
        all.addAll(List.of(args));
        // Quick start-up: two JVMs per run, and the work itself is light.
        return CliProcess.startWithJvmOptions(dir, Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890",
                "ANTHROPIC_BASE_URL", server.baseUrl()), List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                all.toArray(String[]::new));
    }

    @Test
    void noEffectIsRepeatedAfterAKillAtARandomMoment() throws Exception {
        int runs = Integer.getInteger("picrust.crash.runs", DEFAULT_RUNS);
        long seed = Long.getLong("picrust.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        int repeated = 0;
        int killedMidRun = 0;
        List<String> report = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            String marker = String.format("%04d", random.nextInt(10_000));
            Path workspace = Files.createDirectories(dir.resolve("run-" + run));
            String session = "crash-" + run;
            int before = server.requestCount();
            CliProcess first = cli(workspace, "--session-id", session, "do the steps, run " + marker);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.requestCount() == before && first.process.isAlive()) {
                assertThat(System.nanoTime()).as("the agent calls the model").isLessThan(deadline);
                Thread.sleep(5);  // polling a counter with a deadline
            }
            // The steps take about 3 x 0.3 s of tools plus model calls: kill anywhere in them.
            Thread.sleep(random.nextInt(1200));  // the random moment of the crash, not a synchronisation
            boolean alive = first.process.isAlive();
            first.process.destroyForcibly();  // SIGKILL
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (alive) {
                killedMidRun++;
            }

            CliProcess resumed = cli(workspace, "--resume", session);
            List<String> out = new ArrayList<>();
            int code = resumed.finish(out);
            assertThat(code).as("resume of run %d: %s", run, resumed.stderr.getNow("")).isZero();
            awaitNoCommandOf(marker);

            List<String> lines = Files.exists(workspace.resolve("effects.log"))
                    ? Files.readAllLines(workspace.resolve("effects.log")) : List.of();
            Map<String, Long> counts = lines.stream().collect(Collectors.groupingBy(Function.identity(),
                    Collectors.counting()));
            long twice = counts.values().stream().filter(c -> c > 1).count();
            repeated += (int) twice;
            report.add("run " + run + (alive ? " killed" : " finished first") + ": " + lines.size() + " lines"
                    + (twice > 0 ? ", REPEATED " + counts : ""));
        }
        System.out.println("crash campaign: " + runs + " runs (" + killedMidRun + " killed mid-run), seed " + seed
                + ", effects repeated: " + repeated + "\n  " + String.join("\n  ", report));
        assertThat(repeated).as(String.join("\n", report)).isZero();
        assertThat(killedMidRun).as("most runs are killed while they work").isGreaterThan(runs / 2);
    }

    /** Alive and not a zombie (an orphan's zombie lingers where nothing reaps it, as in some containers). */
    private static boolean running(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return p.isAlive() && !stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** Waits until no process of the killed run is left (one that outlived the JVM would still add lines). */
    private static void awaitNoCommandOf(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ProcessHandle.allProcesses().anyMatch(p -> running(p) && p.info().arguments()
                .map(a -> a.length == 1 && a[0].equals("0.15" + marker)).orElse(false))) {
            assertThat(System.nanoTime()).as("the killed run's commands end").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
