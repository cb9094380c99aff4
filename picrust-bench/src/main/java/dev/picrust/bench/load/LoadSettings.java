package dev.picrust.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One load run: {@code agents} agents in this JVM, each running one turn of {@code steps} tool calls
 * plus a final answer against a mock model that takes {@code latencyMs} per call.
 *
 * @param warmupAgents before the measured run, this many agents run turns until about
 *                     {@link #WARMUP_CALLS} model calls were made, against a second mock model with {@link #WARMUP_LATENCY_MS} ms latency, so the
 *                     JIT has compiled the hot paths; 0 measures a cold JVM
 * @param rampMs the prompts are sent evenly spread over this many milliseconds. Independent agents
 *               in steady state are out of phase with each other; a ramp of one model latency
 *               reproduces that from the first call. 0 sends every prompt at once (a thundering herd:
 *               all N responses then arrive in the same instant, every iteration).
 * @param sessionsDir the folder under which a fresh temp sessions folder is made; the system temp
 *                    folder when empty
 * @param keepSessions leave the sessions on disk after the run (they are deleted otherwise)
 * @param transport how the agents reach the mock model
 * @param timeout how long the turn phase may take before unfinished agents count as failed
 */
public record LoadSettings(int agents, int steps, long latencyMs, int warmupAgents, long rampMs, Optional<Path> jsonl,
                           Optional<Path> sessionsDir, boolean keepSessions, Transport transport, Duration timeout) {

    /** Model calls the warm-up aims at in all (C2 compiles a method after ~10,000 invocations). */
    public static final int WARMUP_CALLS = 20_000;
    public static final long WARMUP_LATENCY_MS = 5;
    public static final int DEFAULT_WARMUP_AGENTS = 256;
    /** Turns run one after the other, so few warm-up agents must not mean a long warm-up. */
    public static final int MAX_WARMUP_TURNS = 20;

    /** How the agents reach the mock model. */
    public enum Transport {
        /** {@code MockLlmServerMain} in a child JVM; real loopback HTTP with SSE streaming. */
        HTTP,
        /** An in-process model that sleeps instead; isolates the loop and session costs from HTTP. */
        IN_PROCESS
    }

    public LoadSettings {
        if (agents < 1) {
            throw new IllegalArgumentException("agents must be >= 1");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0");
        }
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latency must be >= 0 ms");
        }
        if (warmupAgents < 0) {
            throw new IllegalArgumentException("warmup agents must be >= 0");
        }
        if (rampMs < 0) {
            throw new IllegalArgumentException("ramp must be >= 0 ms");
        }
    }

    /** HTTP transport, a ramp of one latency, temp sessions, and a generous timeout. */
    public static LoadSettings of(int agents, int steps, long latencyMs) {
        return new LoadSettings(agents, steps, latencyMs, Math.min(agents, DEFAULT_WARMUP_AGENTS), latencyMs,
                Optional.empty(), Optional.empty(), false,
                Transport.HTTP, defaultTimeout(steps, latencyMs, latencyMs));
    }

    /** Ten ideal turns plus two minutes. */
    public static Duration defaultTimeout(int steps, long latencyMs, long rampMs) {
        return Duration.ofMillis(rampMs + 10L * (steps + 1) * latencyMs).plusMinutes(2);
    }

    /** Turns each warm-up agent runs. */
    public int warmupTurns() {
        return warmupAgents == 0 ? 0 : Math.clamp((WARMUP_CALLS + (long) warmupAgents * callsPerAgent() - 1)
                / ((long) warmupAgents * callsPerAgent()), 1, MAX_WARMUP_TURNS);
    }

    /** LLM calls per agent turn: {@code steps} tool-use responses and one final text answer. */
    public int callsPerAgent() {
        return steps + 1;
    }

    /** The shortest possible turn of one agent: K+1 calls that take exactly the latency, nothing else. */
    public Duration idealTurn() {
        return Duration.ofMillis(callsPerAgent() * latencyMs);
    }

    /** The shortest possible run: the last prompt goes out at the end of the ramp, then an ideal turn. */
    public Duration idealWall() {
        return Duration.ofMillis(rampMs).plus(idealTurn());
    }

    public LoadSettings withWarmupAgents(int value) {
        return new LoadSettings(agents, steps, latencyMs, value, rampMs, jsonl, sessionsDir, keepSessions, transport,
                timeout);
    }

    public LoadSettings withRampMs(long value) {
        return new LoadSettings(agents, steps, latencyMs, warmupAgents, value, jsonl, sessionsDir, keepSessions, transport,
                timeout);
    }

    public LoadSettings withTransport(Transport value) {
        return new LoadSettings(agents, steps, latencyMs, warmupAgents, rampMs, jsonl, sessionsDir, keepSessions, value, timeout);
    }

    public LoadSettings withJsonl(Path value) {
        return new LoadSettings(agents, steps, latencyMs, warmupAgents, rampMs, Optional.of(value), sessionsDir, keepSessions,
                transport, timeout);
    }

    public LoadSettings withSessionsDir(Path value) {
        return new LoadSettings(agents, steps, latencyMs, warmupAgents, rampMs, jsonl, Optional.of(value), keepSessions, transport,
                timeout);
    }

    public LoadSettings withKeepSessions(boolean keep) {
        return new LoadSettings(agents, steps, latencyMs, warmupAgents, rampMs, jsonl, sessionsDir, keep, transport, timeout);
    }

    public LoadSettings withTimeout(Duration value) {
        return new LoadSettings(agents, steps, latencyMs, warmupAgents, rampMs, jsonl, sessionsDir, keepSessions, transport,
                value);
    }
}
