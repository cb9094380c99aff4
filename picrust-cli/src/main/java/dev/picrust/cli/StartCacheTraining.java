package dev.picrust.cli;

import dev.picrust.json.Json;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.ToolLoopResponder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The training run behind the launcher's start-up cache ({@code java -XX:AOTCacheOutput=... -cp
 * picrust.jar dev.picrust.cli.StartCacheTraining}): the JVM archives the classes this run loads and
 * links, so it runs what a user's first commands run. A {@code picrust run} exactly as a user types it
 * (a loopback mock model asking for two {@code echo hi} Bash calls, the real tools, a session), then the
 * offline {@code demo} (the file tools). The caller gives a scratch {@code PICRUST_HOME}, so no settings,
 * hooks or rules of the user's take part, and an {@code ANTHROPIC_API_KEY} for the mock.
 */
final class StartCacheTraining {
    private StartCacheTraining() {}

    public static void main(String[] args) throws IOException {
        String home = System.getenv("PICRUST_HOME");
        if (home == null || home.isBlank() || System.getenv("ANTHROPIC_API_KEY") == null) {
            System.err.println("start-cache training: set PICRUST_HOME to a scratch folder and ANTHROPIC_API_KEY");
            System.exit(2);
        }
        Path scratch = Files.createDirectories(Path.of(home));
        Path work = Files.createDirectories(scratch.resolve("work"));
        String sessions = scratch.resolve("sessions").toString();
        int run;
        try (MockLlmServer model = MockLlmServer.start().recordRequests(false)
                .respondAlways(new ToolLoopResponder(2, "Bash", Optional.of(Json.object().put("command", "echo hi"))))) {
            run = Main.execute("run", "--base-url", model.baseUrl(), "--allow", "Bash", "--sessions-dir", sessions,
                    "--cwd", work.toString(), "Run echo hi twice with the bash tool, then say done.");
        }
        int demo = Main.execute("demo", "--sessions-dir", sessions);
        System.exit(run == 0 && demo == 0 ? 0 : 1);
    }
}
