package dev.picrust.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.llm.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions on a 2 MiB file system (a real tmpfs; mounting needs root, so elsewhere this is skipped
 * with the reason): small appends work, a full disk is a clean error, and the session resumes.
 */
class SmallDiskIT {
    @TempDir Path dir;
    Path disk;
    boolean mounted;

    @BeforeEach
    void mount() throws Exception {
        disk = Files.createDirectories(dir.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a 2 MiB tmpfs here (needs root): " + out.strip());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTwoMegabyteDiskTakesSmallAppendsAndAFullOneIsACleanErrorThenResumes() throws IOException {
        JsonlSessionStore store = new JsonlSessionStore(disk.resolve("sessions"));
        List<Message> acknowledged = new ArrayList<>();
        try (AgentSession s = store.create(SessionMetadata.create("small", "agent", "m", "p"))) {
            Message small = Message.user("x".repeat(1000));
            s.append(small);
            acknowledged.add(small);
            try (var journal = Files.list(disk.resolve("sessions/.journal"))) {
                assertThat(journal.filter(f -> f.toString().endsWith(".wal")).mapToLong(SmallDiskIT::size).sum())
                        .as("the journal does not zero-fill beyond what the disk can spare").isLessThan(1L << 20);
            }
            SessionException full = null;
            for (int i = 0; i < 200 && full == null; i++) {
                Message big = Message.user(i + "y".repeat(50_000));
                try {
                    s.append(big);
                    acknowledged.add(big);
                } catch (SessionException e) {
                    full = e;
                }
            }
            assertThat(full).as("the disk filled up").isNotNull();
            assertThat(full.getMessage()).contains("small").contains("No space left on device").doesNotContain("\n");
            assertThatThrownBy(() -> s.append(Message.user("y".repeat(500_000)))).isInstanceOf(SessionException.class);
        } catch (SessionException closingOnAFullDisk) {
            // closing may fail too; what was acknowledged must still be there below
        }
        try (var files = Files.list(disk.resolve("sessions"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(".creating")).toList()) {
                throw new AssertionError("left behind: " + f);
            }
        }
        // Opening needs no new space: the session resumes with every acknowledged line (and at most
        // the one whose append failed, if it reached the history file whole).
        try (AgentSession s = new JsonlSessionStore(disk.resolve("sessions")).open("small")) {
            assertThat(s.messages()).startsWith(acknowledged.toArray(Message[]::new));
            assertThat(s.messages().size()).isLessThanOrEqualTo(acknowledged.size() + 1);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }
}
