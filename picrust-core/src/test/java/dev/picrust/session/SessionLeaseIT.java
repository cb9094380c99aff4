package dev.picrust.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.llm.Message;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per session across real processes: a second JVM is refused naming the holder, a killed
 * one lets go, processes racing for one session get it one at a time, and one process holds a constant
 * number of descriptors however many sessions it has open.
 */
class SessionLeaseIT {
    @TempDir Path dir;

    private Process start(String id) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SessionLeaseHolder.class.getName(), dir.toString(), id)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        return out.readLine();
    }

    private Process holder(String id) throws Exception {
        Process child = start(id);
        assertThat(firstLine(child)).isEqualTo("HOLDING");
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
            assertThat(store.read("shared").messages()).as("reading needs no lease")
                    .containsExactly(Message.user("first"), Message.user("from the child"));
            Process second = start("shared");
            assertThat(firstLine(second)).as("a third process is refused too")
                    .startsWith("REFUSED session shared is in use by another process (pid " + child.pid());
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.getOutputStream().close();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        try (AgentSession s = new JsonlSessionStore(dir).open("shared")) {
            assertThat(s.messages()).hasSize(2);
        }
    }

    @Test
    void aKilledHolderLeavesNoStuckLease() throws Exception {
        Process child = holder("crashy");
        child.destroyForcibly();  // SIGKILL: no shutdown hook, no close, the lease file still names it
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("crashy").resolve(SessionLease.FILE)))
                .contains("pid " + child.pid());
        try (AgentSession s = new JsonlSessionStore(dir).open("crashy")) {
            assertThat(s.messages()).containsExactly(Message.user("from the child"));
            s.append(Message.user("the next writer"));
        }
        Process next = holder("crashy");
        next.getOutputStream().close();
        assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void processesClaimingOneSessionAtOnceGetItOneAtATime() throws Exception {
        try (AgentSession s = new JsonlSessionStore(dir).create(SessionMetadata.create("raced", "a", "m", "p"))) {
            s.append(Message.user("first"));
        }
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            children.add(start("raced"));
        }
        List<String> answers = new ArrayList<>();
        try {
            for (Process child : children) {
                answers.add(firstLine(child));
            }
        } finally {
            for (Process child : children) {
                child.getOutputStream().close();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
        assertThat(answers).filteredOn("HOLDING"::equals).hasSize(1);
        assertThat(answers).filteredOn(a -> a.startsWith("REFUSED session raced is in use by another process (pid "))
                .hasSize(3);
        try (AgentSession s = new JsonlSessionStore(dir).open("raced")) {
            assertThat(s.messages()).containsExactly(Message.user("first"), Message.user("from the child"));
        }
    }

    @Test
    void tenThousandOpenSessionsHoldAConstantNumberOfDescriptors() throws Exception {
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            // Laid out as create leaves a session, without its forces: this test is about opening.
            Path folder = Files.createDirectories(dir.resolve("many-" + i));
            Files.write(folder.resolve("metadata.json"),
                    dev.picrust.json.Json.writeBytes(SessionMetadata.create("many-" + i, "a", "m", "p").toJson()));
            Files.writeString(folder.resolve("history.jsonl"), "{\"role\":\"user\",\"content\":\"hi\"}\n");
        }
        JsonlSessionStore store = new JsonlSessionStore(dir);
        store.create(SessionMetadata.create("warm", "a", "m", "p")).close();  // journal writer and segment up
        long before = openDescriptors();
        List<AgentSession> open = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                open.add(store.open("many-" + i));
            }
            long during = openDescriptors();
            assertThat(during - before).as("descriptors held with %d sessions open", n).isLessThanOrEqualTo(4);
            assertThatThrownBy(() -> new JsonlSessionStore(dir).open("many-77"))
                    .hasMessageContaining("in use by this process");
        } finally {
            open.forEach(AgentSession::close);
        }
        assertThat(openDescriptors() - before).isLessThanOrEqualTo(4);
    }

    private static long openDescriptors() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
