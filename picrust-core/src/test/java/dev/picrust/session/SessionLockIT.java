package dev.picrust.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.llm.Message;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per session across real processes: a second JVM is refused, a killed one lets go. */
class SessionLockIT {
    @TempDir Path dir;

    private Process holder(String id) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SessionLockHolder.class.getName(), dir.toString(), id)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("HOLDING");
        return child;
    }

    @Test
    void anotherProcessIsRefusedNamingTheHolderUntilItEnds() throws Exception {
        try (AgentSession s = new JsonlSessionStore(dir).create(SessionMetadata.create("shared", "a", "m", "p"))) {
            s.append(Message.user("first"));
        }
        Process child = holder("shared");
        try {
            JsonlSessionStore store = new JsonlSessionStore(dir);
            assertThatThrownBy(() -> store.open("shared"))
                    .isInstanceOf(SessionException.class)
                    .hasMessageContaining("in use by another process")
                    .hasMessageContaining("pid " + child.pid());
            assertThatThrownBy(() -> store.delete("shared")).isInstanceOf(SessionException.class);
            assertThat(store.read("shared").messages()).as("reading needs no lock")
                    .containsExactly(Message.user("first"), Message.user("from the child"));
        } finally {
            child.getOutputStream().close();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        try (AgentSession s = new JsonlSessionStore(dir).open("shared")) {
            assertThat(s.messages()).hasSize(2);
        }
    }

    @Test
    void aKilledHolderLeavesNoStuckLock() throws Exception {
        Process child = holder("crashy");
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try (AgentSession s = new JsonlSessionStore(dir).open("crashy")) {
            assertThat(s.messages()).containsExactly(Message.user("from the child"));
            s.append(Message.user("the next writer"));
        }
    }
}
