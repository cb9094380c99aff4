package dev.picrust.testkit.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.picrust.event.UsageTotals;
import dev.picrust.llm.Message;
import dev.picrust.llm.Usage;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionException;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionSnapshot;
import dev.picrust.session.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link SessionStore} must do, as JUnit 5 tests. A store's test class extends this and
 * says how to make its store:
 *
 * <pre>{@code
 * class MyStoreContractTest extends SessionStoreContract {
 *     @TempDir Path dir;
 *     protected SessionStore createStore() { return new MyStore(dir); }
 *     protected SessionStore reopen(SessionStore store) { return new MyStore(dir); }
 * }
 * }</pre>
 *
 * Durability is checked as far as the API can show it: what an append acknowledged is there for a
 * second store over the same sessions ({@link #reopen}), which a crash-safe store gives by
 * construction. Crash tests (killing a process mid-write) are each store's own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class SessionStoreContract {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private SessionStore store;

    /** A new store with no sessions, for one test. */
    protected abstract SessionStore createStore() throws Exception;

    /**
     * Another store over the same sessions, as a restarted process gets it (for a store in one
     * process's memory: {@code store} itself). {@code store} may still have sessions open.
     */
    protected abstract SessionStore reopen(SessionStore store) throws Exception;

    /** The store of the running test. */
    protected final SessionStore store() {
        return store;
    }

    @BeforeEach
    final void createStoreForTest() throws Exception {
        store = createStore();
    }

    private static SessionMetadata metadata(String id) {
        return SessionMetadata.create(id, "agent", "model-x", "provider-y");
    }

    private AgentSession openElsewhere(String id) throws Exception {
        return reopen(store).open(id);
    }

    /** What another store sees of a session this one still writes (a reader takes no writer's lock). */
    private SessionSnapshot readElsewhere(String id) throws Exception {
        return reopen(store).read(id);
    }

    // ------------------------------------------------------------------ create, open, list, delete

    @Test
    void aNewSessionIsEmptyAndExists() {
        try (AgentSession session = store.create(metadata("new-1"))) {
            assertEquals("new-1", session.id());
            assertEquals(List.of(), session.messages());
            assertEquals(0, session.messageCount());
            assertEquals(Optional.empty(), session.lastMessage());
            assertEquals(List.of(), session.records());
            assertEquals(Optional.empty(), session.state().get("anything"));
            assertEquals(List.of(), session.loadWarnings());
        }
        assertTrue(store.exists("new-1"));
        assertEquals("new-1", store.readMetadata("new-1").orElseThrow().id());
    }

    @Test
    void aSecondCreateOfTheSameIdIsRefused() {
        try (AgentSession first = store.create(metadata("dup"))) {
            first.append(Message.user("kept"));
            assertThrows(SessionException.class, () -> store.create(metadata("dup")));
        }
        assertThrows(SessionException.class, () -> store.create(metadata("dup")));
        try (AgentSession reopened = store.open("dup")) {
            assertEquals(List.of(Message.user("kept")), reopened.messages(), "a refused create loses nothing");
        }
    }

    @Test
    void oneWriterAtATime() throws Exception {
        try (AgentSession writer = store.create(metadata("solo"))) {
            writer.append(Message.user("mine"));
            SessionException refused = assertThrows(SessionException.class, () -> store.open("solo"),
                    "a second writer is refused");
            assertTrue(refused.getMessage().contains("solo") && refused.getMessage().contains("in use by"),
                    "the refusal names the session and says who holds it: " + refused.getMessage());
            SessionException elsewhere = assertThrows(SessionException.class, () -> openElsewhere("solo"));
            assertTrue(elsewhere.getMessage().contains("in use by"), elsewhere.getMessage());
            assertThrows(SessionException.class, () -> store.delete("solo"), "an open session is not deleted");
            assertEquals(List.of(Message.user("mine")), store.read("solo").messages(), "reading needs no lock");
            writer.append(Message.user("still mine"));
        }
        try (AgentSession next = store.open("solo")) {
            assertEquals(List.of(Message.user("mine"), Message.user("still mine")), next.messages());
            assertThrows(SessionException.class, () -> store.open("solo"));
        }
        store.open("solo").close();
    }

    @Test
    void unknownIdsAreRefused() {
        assertThrows(SessionException.class, () -> store.open("nobody"));
        assertThrows(SessionException.class, () -> store.delete("nobody"));
        assertFalse(store.exists("nobody"));
        assertEquals(Optional.empty(), store.readMetadata("nobody"));
        assertEquals(List.of(), store.children("nobody"));
    }

    @Test
    void invalidIdsAreRefused() {
        for (String bad : List.of("../evil", "a/b", "", ".hidden", "-dash", "x".repeat(129), "sp ace")) {
            assertThrows(IllegalArgumentException.class, () -> store.create(metadata(bad)), bad);
        }
        store.create(metadata("A-ok_1.2")).close();
        assertTrue(store.exists("A-ok_1.2"));
    }

    @Test
    void listShowsEverySessionMostRecentlyUpdatedFirst() {
        Instant base = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 0; i < 3; i++) {
            Instant at = base.plusSeconds(i);
            store.create(new SessionMetadata("l" + i, "agent", "l" + i, "", "m", "p", at, at, Optional.empty(),
                    List.of(), Map.of())).close();
        }
        assertEquals(List.of("l2", "l1", "l0"), store.list().stream().map(SessionMetadata::id).toList());
        try (AgentSession oldest = store.open("l0")) {
            oldest.updateMetadata(m -> m.withName("renamed"));
        }
        assertEquals(List.of("l0", "l2", "l1"), store.list().stream().map(SessionMetadata::id).toList());
    }

    @Test
    void deleteRemovesTheSessionAndFreesItsId() throws Exception {
        try (AgentSession session = store.create(metadata("gone"))) {
            session.append(Message.user("old life"));
            session.state().put("k", TextNode.valueOf("old"));
        }
        store.create(metadata("stays")).close();
        store.delete("gone");
        assertFalse(store.exists("gone"));
        assertThrows(SessionException.class, () -> store.open("gone"));
        assertEquals(List.of("stays"), store.list().stream().map(SessionMetadata::id).toList());
        try (AgentSession again = store.create(metadata("gone"))) {
            assertEquals(List.of(), again.messages());
            again.append(Message.user("new life"));
        }
        try (AgentSession reopened = openElsewhere("gone")) {
            assertEquals(List.of(Message.user("new life")), reopened.messages());
            assertEquals(Optional.empty(), reopened.state().get("k"));
        }
    }

    @Test
    void anOpenSessionIsNotDeleted() {
        try (AgentSession session = store.create(metadata("busy"))) {
            assertThrows(SessionException.class, () -> store.delete("busy"));
            session.append(Message.user("still writable"));
        }
        try (AgentSession reader = store.open("busy")) {
            assertEquals(List.of(Message.user("still writable")), reader.messages());
            assertThrows(SessionException.class, () -> store.delete("busy"));
        }
        store.delete("busy");
        assertFalse(store.exists("busy"));
    }

    // ------------------------------------------------------------------ metadata and lineage

    @Test
    void metadataRoundTripsWithEveryField() throws Exception {
        Instant created = Instant.parse("2025-03-04T05:06:07.123456Z");
        SessionMetadata full = new SessionMetadata("meta", "coder", "Name", "what it is for", "model-z",
                "provider-z", created, created, Optional.of("some-parent"), List.of("c1", "c2"),
                Map.<String, JsonNode>of("n", JSON.objectNode().set("deep", JSON.arrayNode().add(1).add("two"))));
        store.create(full).close();
        assertEquals(full, store.readMetadata("meta").orElseThrow());
        assertEquals(full, reopen(store).readMetadata("meta").orElseThrow());
        try (AgentSession session = openElsewhere("meta")) {
            assertEquals(full, session.metadata());
        }
    }

    @Test
    void metadataUpdatesAreStoredAndStampedUpdated() throws Exception {
        Instant before = Instant.now();
        try (AgentSession session = store.create(metadata("upd"))) {
            SessionMetadata updated = session.updateMetadata(m -> m.withModel("m2", "p2")
                    .withCustom("k", JSON.objectNode().put("v", true)));
            assertEquals(updated, session.metadata());
            assertEquals(updated, store.readMetadata("upd").orElseThrow());
            assertFalse(updated.updatedAt().isBefore(before));
        }
        SessionMetadata read = reopen(store).readMetadata("upd").orElseThrow();
        assertEquals("m2", read.model());
        assertEquals("p2", read.provider());
        assertTrue(read.custom().get("k").get("v").asBoolean());
    }

    @Test
    void concurrentMetadataUpdatesAreAppliedOneAfterTheOther() throws Exception {
        int children = 64;
        try (AgentSession parent = store.create(metadata("busy-parent"))) {
            runOnVirtualThreads(children, i -> parent.updateMetadata(m -> m.withChild("child-" + i)));
            assertEquals(children, parent.metadata().children().size());
        }
        SessionMetadata read = reopen(store).readMetadata("busy-parent").orElseThrow();
        assertEquals(IntStream.range(0, children).mapToObj(i -> "child-" + i).sorted().toList(),
                read.children().stream().sorted().toList(), "no update may be lost");
    }

    @Test
    void lineageLinksParentAndChildren() throws Exception {
        try (AgentSession parent = store.create(metadata("root"))) {
            for (String child : List.of("kid-a", "kid-b")) {
                store.create(metadata(child).withParent("root").withDescription("a child")
                        .withCustom("parent_tool_use_id", TextNode.valueOf("tu-" + child))).close();
                parent.updateMetadata(m -> m.withChild(child));
            }
        }
        SessionStore later = reopen(store);
        assertEquals(List.of("kid-a", "kid-b"), later.readMetadata("root").orElseThrow().children());
        assertEquals(List.of("kid-a", "kid-b"), later.children("root").stream().map(SessionMetadata::id).toList());
        SessionMetadata kid = later.readMetadata("kid-b").orElseThrow();
        assertEquals(Optional.of("root"), kid.parentId());
        assertEquals("tu-kid-b", kid.custom().get("parent_tool_use_id").asText());
        assertEquals(List.of(), later.children("kid-a"));
    }

    // ------------------------------------------------------------------ history, records and state

    @Test
    void appendsKeepTheirOrderAcrossMessagesRecordsAndState() throws Exception {
        try (AgentSession session = store.create(metadata("order"))) {
            session.append(Message.user("one"));
            session.appendRecord("note", JSON.objectNode().put("n", 1));
            session.state().put("todos", JSON.arrayNode().add("a"));
            session.append(Message.assistant("two"));
            session.appendRecord("note", JSON.objectNode().put("n", 2));
            session.state().put("todos", JSON.arrayNode().add("b"));
            session.state().put("gone", TextNode.valueOf("soon"));
            session.state().remove("gone");
            session.append(Message.user("three"));
            assertEquals(3, session.messageCount());
            assertEquals(Optional.of(Message.user("three")), session.lastMessage());
        }
        try (AgentSession reopened = openElsewhere("order")) {
            assertEquals(List.of(Message.user("one"), Message.assistant("two"), Message.user("three")),
                    reopened.messages());
            assertEquals(List.of(1, 2), reopened.records().stream().map(r -> r.get("n").asInt()).toList());
            assertEquals(Optional.of(JSON.arrayNode().add("b")), reopened.state().get("todos"));
            assertEquals(Optional.empty(), reopened.state().get("gone"));
            assertEquals(List.of(), reopened.loadWarnings());
        }
    }

    @Test
    void usageStoredWithMessagesAndUsageRecordsAddsUpAfterReopening() throws Exception {
        UsageTotals first = UsageTotals.ofCall(new Usage(10, 5, 2, 1, 3), OptionalDouble.of(0.25));
        UsageTotals second = UsageTotals.ofCall(new Usage(7, 1, 0, 0), OptionalDouble.empty());
        UsageTotals third = UsageTotals.ofCall(new Usage(1, 1, 0, 0), OptionalDouble.of(0.5));
        UsageTotals all = first.plus(second).plus(third);
        try (AgentSession session = store.create(metadata("used"))) {
            assertEquals(UsageTotals.ZERO, session.usage());
            session.append(Message.user("hi"));
            session.append(Message.assistant("one"), first);
            session.appendWithNext(Message.assistant("two"), second);
            session.appendRecord(AgentSession.USAGE_RECORD, third.toJson());
            assertEquals(all, session.usage());
            assertEquals(List.of(), session.records(), "usage records are usage, not records");
        }
        try (AgentSession reopened = openElsewhere("used")) {
            assertEquals(all, reopened.usage());
            assertEquals(List.of(Message.user("hi"), Message.assistant("one"), Message.assistant("two")),
                    reopened.messages());
        }
        assertEquals(all, readElsewhere("used").usage());
    }

    @Test
    void recordsCarryTheirKindTimeAndBody() throws Exception {
        try (AgentSession session = store.create(metadata("recs"))) {
            session.appendRecord("permission_decision", JSON.objectNode().put("tool", "bash").put("allowed", false));
            ObjectNode seen = session.records().getFirst();
            assertRecord(seen);
            seen.put("tool", "tampered");
            assertEquals("bash", session.records().getFirst().get("tool").asText(), "records() hands out copies");
        }
        try (AgentSession reopened = openElsewhere("recs")) {
            assertRecord(reopened.records().getFirst());
        }
    }

    private static void assertRecord(ObjectNode record) {
        assertEquals("permission_decision", record.get("record").asText());
        assertEquals("bash", record.get("tool").asText());
        assertFalse(record.get("allowed").asBoolean());
        Instant.parse(record.get("ts").asText());
    }

    @Test
    void stateValuesAreCopies() {
        try (AgentSession session = store.create(metadata("copies"))) {
            ObjectNode value = JSON.objectNode().put("v", 1);
            session.state().put("k", value);
            value.put("v", 2);
            assertEquals(1, session.state().get("k").orElseThrow().get("v").asInt());
            ((ObjectNode) session.state().get("k").orElseThrow()).put("v", 3);
            assertEquals(1, session.state().get("k").orElseThrow().get("v").asInt());
        }
    }

    @Test
    void largeLinesRoundTrip() throws Exception {
        StringBuilder text = new StringBuilder();
        while (text.length() < 5 << 18) {  // 1.25 MiB: more than one buffer of anything on the way
            text.append("line with \"quotes\", a tab\t, unicode é 😀 and a newline\n");
        }
        String big = text.toString();
        try (AgentSession session = store.create(metadata("big"))) {
            session.append(Message.user(big));
            session.appendRecord("blob", JSON.objectNode().put("data", big));
            session.state().put("blob", TextNode.valueOf(big));
            session.append(Message.assistant("small after big"));
        }
        try (AgentSession reopened = openElsewhere("big")) {
            assertEquals(List.of(Message.user(big), Message.assistant("small after big")), reopened.messages());
            assertEquals(big, reopened.records().getFirst().get("data").asText());
            assertEquals(big, reopened.state().get("blob").orElseThrow().asText());
        }
    }

    // ------------------------------------------------------------------ durability as the API shows it

    @Test
    void anAcknowledgedAppendIsThereForAnotherStoreAtOnce() throws Exception {
        try (AgentSession session = store.create(metadata("ack"))) {
            session.append(Message.user("acknowledged"));
            session.appendRecord("note", JSON.objectNode().put("n", 1));
            session.state().put("k", TextNode.valueOf("v"));
            SessionSnapshot reader = readElsewhere("ack");
            assertEquals(List.of(Message.user("acknowledged")), reader.messages());
            assertEquals(1, reader.records().size());
            assertEquals(TextNode.valueOf("v"), reader.state().get("k"));
        }
    }

    @Test
    void linesWithTheNextAreSeenAtOnceAndDurableAfterAwaitDurable() throws Exception {
        try (AgentSession session = store.create(metadata("later"))) {
            session.appendWithNext(Message.assistant("read-only call"));
            session.appendRecordWithNext("permission_decision", JSON.objectNode().put("tool", "read"));
            assertEquals(List.of(Message.assistant("read-only call")), session.messages());
            assertEquals(1, session.records().size());
            session.awaitDurable();
            SessionSnapshot reader = readElsewhere("later");
            assertEquals(List.of(Message.assistant("read-only call")), reader.messages());
            assertEquals("read", reader.records().getFirst().get("tool").asText());
        }
    }

    @Test
    void stateWithTheNextIsSeenAtOnceAndDurableWithALaterAppend() throws Exception {
        try (AgentSession session = store.create(metadata("state-later"))) {
            session.state().putWithNext("seen", JSON.objectNode().put("size", 3));
            assertEquals(3, session.state().get("seen").orElseThrow().get("size").asInt());
            session.append(Message.user("after"));
            assertEquals(3, readElsewhere("state-later").state().get("seen").get("size").asInt());
        }
    }

    @Test
    void aLaterAppendMakesLinesWithTheNextDurable() throws Exception {
        try (AgentSession session = store.create(metadata("carried"))) {
            session.appendWithNext(Message.assistant("call"));
            session.appendWithNext(Message.user("its result"));
            session.append(Message.assistant("answer"));
            assertEquals(List.of(Message.assistant("call"), Message.user("its result"), Message.assistant("answer")),
                    readElsewhere("carried").messages());
        }
    }

    @Test
    void closeMakesLinesWithTheNextDurable() throws Exception {
        try (AgentSession session = store.create(metadata("closing"))) {
            session.append(Message.user("asked"));
            session.appendWithNext(Message.assistant("last words"));
        }
        try (AgentSession reopened = openElsewhere("closing")) {
            assertEquals(List.of(Message.user("asked"), Message.assistant("last words")), reopened.messages());
        }
    }

    @Test
    void releaseBetweenAppendsLosesNothing() throws Exception {
        try (AgentSession session = store.create(metadata("released"))) {
            session.release();
            session.append(Message.user("one"));
            session.release();
            session.release();
            session.appendWithNext(Message.assistant("two"));
            session.release();
            session.append(Message.user("three"));
        }
        try (AgentSession reopened = openElsewhere("released")) {
            assertEquals(3, reopened.messageCount());
        }
    }

    @Test
    void reopenAfterCloseSeesEverything() throws Exception {
        try (AgentSession session = store.create(metadata("cycle"))) {
            session.append(Message.user("first life"));
        }
        for (int life = 2; life <= 4; life++) {
            try (AgentSession session = openElsewhere("cycle")) {
                assertEquals(life - 1, session.messageCount());
                session.append(Message.user("life " + life));
                session.state().put("life", JSON.numberNode(life));
            }
        }
        try (AgentSession session = openElsewhere("cycle")) {
            assertEquals(List.of(Message.user("first life"), Message.user("life 2"), Message.user("life 3"),
                    Message.user("life 4")), session.messages());
            assertEquals(4, session.state().get("life").orElseThrow().asInt());
        }
        assertEquals(List.of("cycle"), reopen(store).list().stream().map(SessionMetadata::id).toList());
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void manySessionsAppendConcurrentlyFromVirtualThreads() throws Exception {
        int sessions = 100;
        int steps = 10;
        AgentSession[] open = new AgentSession[sessions];
        runOnVirtualThreads(sessions, s -> {
            open[s] = store.create(metadata("many-" + s));
            AgentSession session = open[s];
            for (int i = 0; i < steps; i++) {
                if (i % 3 == 1) {
                    session.appendWithNext(Message.assistant("s" + s + " step " + i));
                } else {
                    session.append(Message.user("s" + s + " step " + i));
                }
                session.release();
            }
            session.awaitDurable();
        });
        for (AgentSession session : open) {
            session.close();
        }
        SessionStore later = reopen(store);
        for (int s = 0; s < sessions; s++) {
            try (AgentSession session = later.open("many-" + s)) {
                int id = s;
                assertEquals(IntStream.range(0, steps).mapToObj(i -> "s" + id + " step " + i).toList(),
                        session.messages().stream().map(Message::text).toList());
            }
        }
        assertEquals(sessions, later.list().size());
    }

    @Test
    void manyThreadsAppendingToOneSessionKeepEachThreadsOrder() throws Exception {
        int threads = 32;
        int each = 20;
        List<String> seen;
        try (AgentSession session = store.create(metadata("shared"))) {
            runOnVirtualThreads(threads, t -> {
                for (int i = 0; i < each; i++) {
                    switch (i % 4) {
                        case 0 -> session.append(Message.user(t + ":" + i));
                        case 1 -> session.appendWithNext(Message.user(t + ":" + i));
                        case 2 -> session.appendRecord("tick", JSON.objectNode().put("t", t).put("i", i));
                        default -> session.state().put("thread-" + t, JSON.numberNode(i));
                    }
                }
            });
            seen = session.messages().stream().map(Message::text).toList();
        }
        assertEquals(threads * each / 2, seen.size());
        try (AgentSession reopened = openElsewhere("shared")) {
            assertEquals(seen, reopened.messages().stream().map(Message::text).toList(),
                    "reopened in the order the appends returned");
            for (int t = 0; t < threads; t++) {
                String prefix = t + ":";
                List<Integer> mine = seen.stream().filter(m -> m.startsWith(prefix))
                        .map(m -> Integer.parseInt(m.substring(prefix.length()))).toList();
                assertEquals(IntStream.range(0, each).filter(i -> i % 4 < 2).boxed().toList(), mine);
                assertEquals(Optional.of(JSON.numberNode(each - 1)), reopened.state().get("thread-" + t));
            }
            assertEquals(threads * each / 4, reopened.records().size());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A task that may throw, run once per index. */
    @FunctionalInterface
    protected interface IndexedTask {
        void run(int index) throws Exception;
    }

    /** Runs {@code task(0..count-1)} on virtual threads released together; rethrows the first failure. */
    protected static void runOnVirtualThreads(int count, IndexedTask task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                done.add(threads.submit(() -> {
                    start.await();
                    task.run(index);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
