package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.llm.Message;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, run as a real process. */
class DemoCommandIT {
    @TempDir Path dir;

    @Test
    void demoRunsAMultiStepToolTaskAndSavesTheSession() throws Exception {
        Path sessions = dir.resolve("sessions");
        CliProcess cli = CliProcess.start(dir, Map.of(), "demo", "--sessions-dir", sessions.toString());
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        String err = cli.stderr.get();
        assertThat(err).contains("saved in " + sessions).contains("4 model calls");
        assertThat(String.join("\n", out)).contains("The plan is in notes/plan.md");

        List<SessionMetadata> stored = SessionStore.at(sessions).list();
        assertThat(stored).singleElement().satisfies(m -> assertThat(m.agentType()).isEqualTo("demo"));
        try (AgentSession s = SessionStore.at(sessions).open(stored.getFirst().id())) {
            List<Message> history = s.messages();
            assertThat(history).hasSize(8);
            assertThat(history.stream().flatMap(m -> m.toolResults().stream()))
                    .hasSize(3).noneMatch(r -> r.isError());
        }
    }
}
