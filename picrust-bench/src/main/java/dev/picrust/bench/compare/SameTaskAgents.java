package dev.picrust.bench.compare;

import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Permissions;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.llm.anthropic.AnthropicConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.builtin.BuiltinTools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The PiCrust side of the N-concurrent-tasks comparison with Pi (bench/vs-pi.sh): N agents in one
 * JVM, each running the same task `picrust run` runs alone (the same provider, tools, permissions
 * and durable sessions), all prompted at once against a loopback mock model. Prints one line,
 * {@code agents=N ok=M}, and exits 1 unless every turn ended normally; the caller measures the
 * process's peak memory.
 *
 * <pre>java -cp picrust.jar dev.picrust.bench.compare.SameTaskAgents BASE_URL N SESSIONS_DIR WORK_DIR PROMPT</pre>
 */
public final class SameTaskAgents {
    private SameTaskAgents() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SameTaskAgents BASE_URL N SESSIONS_DIR WORK_DIR PROMPT");
            System.exit(2);
        }
        String baseUrl = args[0];
        int agents = Integer.parseInt(args[1]);
        AgentConfig config = AgentConfig.builder(new AnthropicProvider(
                        AnthropicConfig.builder("mock-key").baseUrl(baseUrl).build()))
                .agentType("cli")
                .tools(new ToolRegistry().registerAll(BuiltinTools.all()))
                .workingDirectory(Path.of(args[3]).toAbsolutePath())
                .permissions(Permissions.defaults().allow("Bash"))
                .build();
        int ok = 0;
        try (AgentRuntime runtime = new AgentRuntime(SessionStore.at(Path.of(args[2])))) {
            List<Subscription> turns = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                AgentHandle handle = runtime.spawn(config);
                turns.add(handle.subscribe(Integer.MAX_VALUE));
                handle.send(args[4]);
            }
            for (Subscription turn : turns) {
                if (endOf(turn) == EndReason.END_TURN) {
                    ok++;
                }
            }
        }
        System.out.println("agents=" + agents + " ok=" + ok);
        System.exit(ok == agents ? 0 : 1);
    }

    /** How the turn ended; an abnormal end is explained on stderr with the last error seen. */
    private static EndReason endOf(Subscription turn) throws InterruptedException {
        String lastError = "the agent stopped without a Done chunk";
        for (Optional<OutputChunk> next = turn.next(); next.isPresent(); next = turn.next()) {
            switch (next.get()) {
                case OutputChunk.Error error -> lastError = error.message();
                case OutputChunk.Done done -> {
                    if (done.reason() != EndReason.END_TURN) {
                        System.err.println("turn ended: " + done.reason() + " (" + lastError + ")");
                    }
                    return done.reason();
                }
                default -> { }
            }
        }
        System.err.println("turn ended: " + lastError);
        return EndReason.ERROR;
    }
}
