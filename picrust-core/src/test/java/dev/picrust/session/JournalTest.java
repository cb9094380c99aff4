package dev.picrust.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.llm.Message;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group-commit journal behind history appends: durability, recovery, clean-up. */
class JournalTest {
    @TempDir Path dir;

    /**
     * A crashed process leaves its segment behind, unlocked. A copy of a live segment is exactly
     * that: same records, no lock, not one of this JVM's live segments.
     */
    private Path abandonedCopyOfLiveSegment(JsonlSessionStore store) throws Exception {
        List<Path> segments = store.journal().segmentFiles();
        assertThat(segments).hasSize(1);
        Path copy = segments.getFirst().resolveSibling("0000000000000-crashed-000001.wal");
        Files.copy(segments.getFirst(), copy);
        return copy;
    }

    @Test
    void awaitDurableCoversLinesAppendedWithTheNext() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        AgentSession session = store.create(SessionMetadata.create("d1", "agent", "m", "p"));
        session.appendWithNext(Message.assistant("read-only call"));
        session.appendWithNext(Message.user("its result"));
        session.awaitDurable();
        Path copy = abandonedCopyOfLiveSegment(store);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("d1/history.jsonl").toFile(), "rw")) {
            f.setLength(0);
        }
        ((JsonlAgentSession) session).dropWriterLockAsADeadProcessWould();
        try (AgentSession reopened = new JsonlSessionStore(dir).open("d1")) {
            assertThat(reopened.messages())
                    .containsExactly(Message.assistant("read-only call"), Message.user("its result"));
        }
        assertThat(copy).doesNotExist();
        session.close();
    }

    @Test
    void segmentsAreZeroFilledAheadSoAppendsDoNotGrowTheFile() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        AgentSession session = store.create(SessionMetadata.create("z1", "agent", "m", "p"));
        session.append(Message.user("one"));
        Path segment = store.journal().segmentFiles().getFirst();
        long length = Files.size(segment);
        assertThat(length).isGreaterThanOrEqualTo(4L << 20);
        for (int i = 0; i < 50; i++) {
            session.append(Message.assistant("reply " + i));
        }
        // The file's size (metadata) stays as it was: each append only needs its data forced.
        assertThat(Files.size(segment)).isEqualTo(length);
        session.close();
    }

    @Test
    void recordsWrittenWhileTheSegmentIsExtendedAheadAreAllRecoverable() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        AgentSession session = store.create(SessionMetadata.create("x1", "agent", "m", "p"));
        String filler = "y".repeat(2000);
        List<Message> written = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {  // ~12 MiB of records: past several 4 MiB extensions
            Message m = Message.user(i + " " + filler);
            session.append(m);
            written.add(m);
        }
        Path copy = abandonedCopyOfLiveSegment(store);
        assertThat(Files.size(copy)).isGreaterThan(10L << 20);
        Path history = dir.resolve("x1/history.jsonl");
        try (RandomAccessFile f = new RandomAccessFile(history.toFile(), "rw")) {
            f.setLength(0);  // every line lost: only the journal can bring them back
        }
        ((JsonlAgentSession) session).dropWriterLockAsADeadProcessWould();
        try (AgentSession reopened = new JsonlSessionStore(dir).open("x1")) {
            assertThat(reopened.messages()).isEqualTo(written);
        }
        session.close();
    }

    @Test
    void aDeletedSessionsLinesAreNeverReplayedIntoANewSessionOfTheSameId() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        AgentSession keeper = store.create(SessionMetadata.create("keeper", "agent", "m", "p"));
        keeper.append(Message.user("keeps the segment alive"));
        try (AgentSession old = store.create(SessionMetadata.create("reused", "agent", "m", "p"))) {
            old.append(Message.user("a long line of the deleted session's old life ".repeat(20)));
            old.append(Message.assistant("and another one"));
        }
        store.delete("reused");
        AgentSession again = store.create(SessionMetadata.create("reused", "agent", "m", "p"));
        again.append(Message.user("new"));
        Path copy = abandonedCopyOfLiveSegment(store);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("reused/history.jsonl").toFile(), "rw")) {
            f.setLength(0);  // a crash lost the new file's data: only the journal can bring it back
        }
        ((JsonlAgentSession) again).dropWriterLockAsADeadProcessWould();
        try (AgentSession reopened = new JsonlSessionStore(dir).open("reused")) {
            assertThat(reopened.messages()).containsExactly(Message.user("new"));
            assertThat(reopened.loadWarnings()).isEmpty();
        }
        assertThat(copy).doesNotExist();
        again.close();
        keeper.close();
    }

    @Test
    void acknowledgedLinesLostFromTheHistoryFileAreRestoredFromTheJournal() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        AgentSession session = store.create(SessionMetadata.create("c1", "agent", "m", "p"));
        session.append(Message.user("one"));
        session.append(Message.assistant("two"));
        session.append(Message.user("three"));
        Path copy = abandonedCopyOfLiveSegment(store);
        Path history = dir.resolve("c1/history.jsonl");
        long firstLine = Files.readAllLines(history).getFirst().length() + 1;
        // What an OS crash can do to unforced data: the tail is gone, part of a line is left.
        try (RandomAccessFile f = new RandomAccessFile(history.toFile(), "rw")) {
            f.setLength(firstLine + 5);
        }

        JsonlSessionStore afterCrash = new JsonlSessionStore(dir);
        ((JsonlAgentSession) session).dropWriterLockAsADeadProcessWould();
        try (AgentSession reopened = afterCrash.open("c1")) {
            assertThat(reopened.messages())
                    .containsExactly(Message.user("one"), Message.assistant("two"), Message.user("three"));
            assertThat(reopened.loadWarnings()).isEmpty();
        }
        assertThat(copy).doesNotExist();
        session.close();
    }

    @Test
    void aTornJournalTailIsIgnoredAndWhatWasAcknowledgedBeforeItIsRestored() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        AgentSession session = store.create(SessionMetadata.create("t1", "agent", "m", "p"));
        session.append(Message.user("kept"));
        Path copy = abandonedCopyOfLiveSegment(store);
        Files.write(copy, new byte[] {'J', 0, 0, 0, 9, 'c', '1'}, StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("t1/history.jsonl"), "");

        ((JsonlAgentSession) session).dropWriterLockAsADeadProcessWould();
        try (AgentSession reopened = new JsonlSessionStore(dir).open("t1")) {
            assertThat(reopened.messages()).containsExactly(Message.user("kept"));
        }
        session.close();
    }

    @Test
    void linesStillInTheHistoryFileAreNotRewritten() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        AgentSession session = store.create(SessionMetadata.create("k1", "agent", "m", "p"));
        session.append(Message.user("a"));
        session.append(Message.user("b"));
        abandonedCopyOfLiveSegment(store);
        Path history = dir.resolve("k1/history.jsonl");
        byte[] before = Files.readAllBytes(history);

        JsonlSessionStore other = new JsonlSessionStore(dir);
        assertThat(other.list()).extracting(SessionMetadata::id).containsExactly("k1");
        assertThat(Files.readAllBytes(history)).isEqualTo(before);
        assertThat(other.writeStats().historyBytes()).isZero();
        session.close();
    }

    @Test
    void closingEverySessionLeavesNoJournalBehind() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession a = store.create(SessionMetadata.create("a", "agent", "m", "p"));
             AgentSession b = store.create(SessionMetadata.create("b", "agent", "m", "p"))) {
            a.append(Message.user("x"));
            b.append(Message.user("y"));
            assertThat(store.journal().segmentFiles()).hasSize(1);
        }
        assertThat(store.journal().segmentFiles()).isEmpty();
        assertThat(store.writeStats().journalBytes()).isPositive();
    }

    @Test
    void aFullSegmentIsCheckpointedAndDeletedWhileItsSessionsStayOpen() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir, 512);
        AgentSession s = store.create(SessionMetadata.create("big", "agent", "m", "p"));
        for (int i = 0; i < 20; i++) {
            s.append(Message.user("message number " + i + " with some padding to fill the segment"));
        }
        store.journal().awaitCheckpoints();
        // Only the segment being written to is left; the full ones were deleted once the file was forced.
        assertThat(store.journal().segmentFiles()).hasSizeLessThanOrEqualTo(1);
        ((JsonlAgentSession) s).dropWriterLockAsADeadProcessWould();
        try (AgentSession reopened = new JsonlSessionStore(dir).open("big")) {
            assertThat(reopened.messageCount()).isEqualTo(20);
        }
        s.close();
        assertThat(store.journal().segmentFiles()).isEmpty();
    }

    @Test
    void concurrentAppendersShareCommitsAndEveryLineLandsInItsOwnSessionInOrder() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        int sessions = 40;
        int appends = 15;
        List<AgentSession> open = createSessions(store, "s", sessions);
        appendAllAtOnce(open, session -> {
            for (int k = 0; k < appends; k++) {
                session.append(Message.user(session.id() + "#" + k));
            }
        });
        long syncsBeforeClose = store.writeStats().syncs();
        open.forEach(AgentSession::close);
        JsonlSessionStore reader = new JsonlSessionStore(dir);
        for (int i = 0; i < sessions; i++) {
            List<Message> expected = new ArrayList<>();
            for (int k = 0; k < appends; k++) {
                expected.add(Message.user("s" + i + "#" + k));
            }
            try (AgentSession s = reader.open("s" + i)) {
                assertThat(s.messages()).containsExactlyElementsOf(expected);
            }
        }
        // Creating a session forces its metadata and two folders; the appends add at most one journal
        // force each, and fewer when they share commits.
        assertThat(syncsBeforeClose).isLessThanOrEqualTo(3L * sessions + (long) sessions * appends + 1);
    }

    @Test
    void anInterruptedThreadCanStillAppend() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession s = store.create(SessionMetadata.create("i1", "agent", "m", "p"))) {
            Thread.currentThread().interrupt();
            try {
                s.append(Message.user("while interrupted"));
                s.append(Message.user("and again"));
            } finally {
                assertThat(Thread.interrupted()).isTrue();
            }
        }
        try (AgentSession s = store.open("i1")) {
            assertThat(s.messages()).containsExactly(Message.user("while interrupted"), Message.user("and again"));
        }
    }

    @Test
    void recordsDurableWithTheNextAppendAreRestoredWhenThatAppendWasAcknowledged() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        AgentSession session = store.create(SessionMetadata.create("w1", "agent", "m", "p"));
        session.append(Message.assistant("call"));
        session.appendRecordWithNext("permission_decision", dev.picrust.json.Json.object().put("decision", "allow"));
        session.append(Message.user("result"));
        Path copy = abandonedCopyOfLiveSegment(store);
        Files.writeString(dir.resolve("w1/history.jsonl"), "");  // an OS crash lost the unforced file

        ((JsonlAgentSession) session).dropWriterLockAsADeadProcessWould();
        try (AgentSession reopened = new JsonlSessionStore(dir).open("w1")) {
            assertThat(reopened.messages()).containsExactly(Message.assistant("call"), Message.user("result"));
            assertThat(reopened.records()).singleElement()
                    .satisfies(r -> assertThat(r.path("decision").asText()).isEqualTo("allow"));
        }
        assertThat(copy).doesNotExist();
        session.close();
    }

    @Test
    void recordsDurableWithTheNextAppendNeverStallOtherAppendersAndLandInOrder() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        int sessions = 40;
        int rounds = 10;
        List<AgentSession> open = createSessions(store, "r", sessions);
        appendAllAtOnce(open, session -> {
            for (int k = 0; k < rounds; k++) {
                session.append(Message.assistant("call " + k));
                session.appendRecordWithNext("decision", dev.picrust.json.Json.object().put("k", k));
                session.append(Message.user("result " + k));
            }
            // The last thing may be a record nobody waits for: closing makes it durable.
            session.appendRecordWithNext("decision", dev.picrust.json.Json.object().put("k", rounds));
        });
        open.forEach(AgentSession::close);
        assertThat(store.journal().segmentFiles()).isEmpty();
        JsonlSessionStore reader = new JsonlSessionStore(dir);
        for (int i = 0; i < sessions; i++) {
            try (AgentSession s = reader.open("r" + i)) {
                assertThat(s.messages()).hasSize(2 * rounds);
                assertThat(s.records()).extracting(r -> r.path("k").asInt())
                        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(0, rounds).boxed().toList());
            }
        }
    }

    @Test
    void appendsShareOneDescriptorUntilReleasedAndAReleasedSessionHoldsNone() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession session = store.create(SessionMetadata.create("d1", "agent", "m", "p"))) {
            Path history = dir.resolve("d1/history.jsonl").toRealPath();
            session.append(Message.assistant("call"));
            session.appendRecordWithNext("decision", dev.picrust.json.Json.object().put("k", 1));
            session.append(Message.user("result"));
            assertThat(descriptorsOf(history)).isEqualTo(1);
            session.release();
            assertThat(descriptorsOf(history)).isZero();
            session.append(Message.assistant("next"));
            assertThat(descriptorsOf(history)).isEqualTo(1);
            session.close();
            assertThat(descriptorsOf(history)).isZero();
        }
        try (AgentSession s = store.open("d1")) {
            assertThat(s.messages()).containsExactly(Message.assistant("call"), Message.user("result"),
                    Message.assistant("next"));
        }
    }

    private static long descriptorsOf(Path file) throws Exception {
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file)) {
                        n++;
                    }
                } catch (java.io.IOException gone) {
                    // closed while listing
                }
            }
        }
        return n;
    }

    private static List<AgentSession> createSessions(JsonlSessionStore store, String prefix, int count) {
        List<AgentSession> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            open.add(store.create(SessionMetadata.create(prefix + i, "agent", "m", "p")));
        }
        return open;
    }

    /** Appender work that may throw, as the session's append does. */
    private interface Appends {
        void run(AgentSession session) throws Exception;
    }

    /** Runs {@code appends} for every session on its own virtual thread, all released at once. */
    private static void appendAllAtOnce(List<AgentSession> sessions, Appends appends) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (AgentSession session : sessions) {
                done.add(pool.submit(() -> {
                    start.await();
                    appends.run(session);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
    }
}
