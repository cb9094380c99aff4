package dev.picrust.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlSessionStoreTest {
    @TempDir Path dir;

    @Test
    void appendedMessagesAndStateSurviveReopen() {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession s = store.create(SessionMetadata.create("a1", "agent", "m", "p"))) {
            s.append(Message.user("hello"));
            s.append(Message.assistant("hi"));
            s.state().put("todos", Json.array().add("x"));
            s.appendRecord("note", Json.object().put("n", 1));
        }
        try (AgentSession s = store.open("a1")) {
            assertThat(s.messages()).containsExactly(Message.user("hello"), Message.assistant("hi"));
            assertThat(s.state().get("todos")).contains(Json.array().add("x"));
            assertThat(s.records()).singleElement().satisfies(r -> assertThat(r.get("n").asInt()).isEqualTo(1));
            assertThat(s.loadWarnings()).isEmpty();
        }
    }

    @Test
    void tornLastLineIsSkippedReportedAndNotGluedToTheNextAppend() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession s = store.create(SessionMetadata.create("t1", "agent", "m", "p"))) {
            s.append(Message.user("kept"));
        }
        Path history = dir.resolve("t1/history.jsonl");
        Files.writeString(history, "{\"role\":\"assistant\",\"content\":[{\"type\":\"te", StandardOpenOption.APPEND);
        try (AgentSession s = store.open("t1")) {
            assertThat(s.messages()).containsExactly(Message.user("kept"));
            assertThat(s.loadWarnings()).singleElement().asString().contains("line 2");
            s.append(Message.user("after"));
        }
        try (AgentSession s = store.open("t1")) {
            assertThat(s.messages()).containsExactly(Message.user("kept"), Message.user("after"));
        }
        List<String> lines = Files.readAllLines(history, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
    }

    @Test
    void duplicateIdsAndBadIdsAreRejected() {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        store.create(SessionMetadata.create("dup", "agent", "m", "p")).close();
        assertThatThrownBy(() -> store.create(SessionMetadata.create("dup", "agent", "m", "p")))
                .isInstanceOf(SessionException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> store.create(SessionMetadata.create("../evil", "agent", "m", "p")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metadataIsRewrittenAtomicallyAndListed() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession s = store.create(SessionMetadata.create("m1", "coder", "model-a", "p"))) {
            s.updateMetadata(m -> m.withChild("c1").withCustom("k", Json.object().put("v", true)));
        }
        SessionMetadata read = store.readMetadata("m1").orElseThrow();
        assertThat(read.children()).containsExactly("c1");
        assertThat(read.custom().get("k").get("v").asBoolean()).isTrue();
        try (var files = Files.list(dir.resolve("m1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("metadata.json", "history.jsonl", "lease");
        }
        assertThat(store.list()).extracting(SessionMetadata::id).containsExactly("m1");
    }

    @Test
    void deleteLeavesNoFolderAndAHalfDoneDeletionIsFinishedByTheNextStore() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession s = store.create(SessionMetadata.create("del", "agent", "m", "p"))) {
            s.append(Message.user("bye"));
        }
        store.delete("del");
        try (var entries = Files.list(dir)) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("del"));
        }
        // What a crash between the rename and the last file removal leaves behind.
        Path leftover = Files.createDirectories(dir.resolve(".deleted-half-1234"));
        Files.writeString(leftover.resolve("history.jsonl"), "{}\n");
        JsonlSessionStore next = new JsonlSessionStore(dir);
        assertThat(next.list()).isEmpty();
        assertThat(leftover).doesNotExist();
    }

    @Test
    void theDefaultFactoriesMakeThisStore() {
        assertThat(SessionStore.at(dir)).isInstanceOf(JsonlSessionStore.class);
        assertThat(SessionStore.at(dir).location()).isEqualTo(dir.toAbsolutePath().normalize().toString());
        assertThat(SessionStore.at(dir).location("x1")).isEqualTo(dir.toAbsolutePath().normalize().resolve("x1").toString());
    }

    @Test
    void aHalfMadeFolderOfAnOlderVersionIsNotASessionAndItsIdCanBeCreated() throws Exception {
        Files.createDirectories(dir.resolve("half"));   // a kill between mkdir and metadata, before atomic creation
        JsonlSessionStore store = new JsonlSessionStore(dir);
        assertThat(store.exists("half")).isFalse();
        try (AgentSession s = store.create(SessionMetadata.create("half", "agent", "m", "p"))) {
            s.append(Message.user("born properly"));
        }
        try (AgentSession s = store.open("half")) {
            assertThat(s.messages()).containsExactly(Message.user("born properly"));
        }
    }

    @Test
    void aLeaseNamingNoLiveOwnerIsFree() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        store.create(SessionMetadata.create("l1", "agent", "m", "p")).close();
        Path lease = dir.resolve("l1").resolve(SessionLease.FILE);
        // An owner that ended (its file gone), then a lease torn by a claimer that died mid-write.
        for (String text : List.of("owner 0123456789abcdef0123456789abcdef\nclaim 7\nholder pid 1 on x since y\n",
                "owner 0123456789abcdef01", "owner ../../etc/passwd\nclaim 1\n")) {
            Files.writeString(lease, text);
            try (AgentSession s = new JsonlSessionStore(dir).open("l1")) {
                assertThat(Files.readString(lease)).contains("pid " + ProcessHandle.current().pid());
            }
            assertThat(Files.readString(lease)).as("a closed session's lease is free").startsWith("free\n")
                    .doesNotContain("owner");
        }
    }

    @Test
    void anAbandonedCreationFolderIsNeverListedAndIsRemovedOnceOld() throws Exception {
        Path making = dir.resolve(".creating-k1-0000");
        Files.createDirectories(making);
        Files.writeString(making.resolve("metadata.json"), "{}");
        Files.setLastModifiedTime(making, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
        JsonlSessionStore store = new JsonlSessionStore(dir);
        assertThat(store.list()).isEmpty();
        assertThat(making).doesNotExist();
        store.create(SessionMetadata.create("k1", "agent", "m", "p")).close();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("k1", ".owners");
        }
        try (var owners = Files.list(dir.resolve(".owners"))) {
            assertThat(owners).as("an owner's file goes with its last lease").isEmpty();
        }
    }

    @Test
    void aLostMiddleLineLeavesAHistoryTheModelAcceptsAndSaysWhatWasRepaired() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession s = store.create(SessionMetadata.create("mid", "agent", "m", "p"))) {
            s.append(Message.user("go"));
            s.append(Message.assistant(List.of(new ToolUseBlock("call-1", "Bash", Json.object().put("command", "ls"),
                    java.util.Map.of()))));
            s.append(Message.user(List.of(ToolResultBlock.text("call-1", "a b c", false))));
            s.append(Message.assistant(List.of(new ToolUseBlock("call-2", "Write", Json.object(), java.util.Map.of()))));
            s.append(Message.user(List.of(ToolResultBlock.text("call-2", "written", false))));
            s.append(Message.assistant("done"));
        }
        Path history = dir.resolve("mid/history.jsonl");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(history, StandardCharsets.UTF_8));
        lines.set(2, lines.get(2).substring(0, 10) + "#garbage");     // call-1's result is lost
        lines.set(3, "{\"role\":\"assistant\",\"content\":[{\"typ");  // call-2 is lost, its result orphaned
        Files.write(history, lines, StandardCharsets.UTF_8);
        try (AgentSession s = store.open("mid")) {
            List<Message> m = s.messages();
            assertThat(m).hasSize(4);
            assertThat(m.get(1).toolUses()).extracting(ToolUseBlock::id).containsExactly("call-1");
            assertThat(m.get(2).toolResults()).singleElement().satisfies(r -> {
                assertThat(r.toolUseId()).isEqualTo("call-1");
                assertThat(r.isError()).isTrue();
                assertThat(r.text()).contains("may or may not have taken effect");
            });
            assertThat(m.get(3)).isEqualTo(Message.assistant("done"));
            assertThat(s.loadWarnings()).hasSize(4)
                    .anySatisfy(w -> assertThat(w).contains("line 3"))
                    .anySatisfy(w -> assertThat(w).contains("line 4"))
                    .anySatisfy(w -> assertThat(w).contains("call-1").contains("answered as lost"))
                    .anySatisfy(w -> assertThat(w).contains("call-2").contains("left out"));
            s.append(Message.user("more"));
        }
        assertThat(store.read("mid").warnings()).hasSize(4);
    }

    @Test
    void invalidUtf8IsReplacedAndReportedNotFatal() throws Exception {
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession s = store.create(SessionMetadata.create("utf", "agent", "m", "p"))) {
            s.append(Message.user("before"));
        }
        byte[] bad = "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"caf\u00e9 X\"}]}\n"
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bad.length; i++) {
            if (bad[i] == 'X') {
                bad[i] = (byte) 0xFF;
            }
        }
        Files.write(dir.resolve("utf/history.jsonl"), bad, StandardOpenOption.APPEND);
        try (AgentSession s = store.open("utf")) {
            assertThat(s.messages()).containsExactly(Message.user("before"), Message.user("caf\u00e9 \uFFFD"));
            assertThat(s.loadWarnings()).singleElement().asString().contains("line 2").contains("not valid UTF-8");
        }
    }

    @Test
    void aTwentyFiveMegabyteAnswerAndWriteInputSurviveAResume() throws Exception {
        // Over Jackson's default 20,000,000-char string limit: such lines used to be skipped on load.
        String answer = "a".repeat(25_000_000);
        String content = "w".repeat(25_000_000);
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession s = store.create(SessionMetadata.create("big", "agent", "m", "p"))) {
            s.append(Message.assistant(answer));
            s.append(Message.assistant(List.of(new ToolUseBlock("w-1", "Write",
                    Json.object().put("file_path", "big.txt").put("content", content), java.util.Map.of()))));
        }
        try (AgentSession s = new JsonlSessionStore(dir).open("big")) {
            assertThat(s.loadWarnings()).isEmpty();
            assertThat(s.messages()).hasSize(2);
            assertThat(s.messages().get(0).text()).isEqualTo(answer);
            assertThat(s.messages().get(1).toolUses().getFirst().input().get("content").asText()).isEqualTo(content);
        }
    }

    @Test
    void secretsNeverReachTheSessionFile() throws Exception {
        String known = System.getenv().getOrDefault("PICRUST_TEST_API_KEY", "picrust-test-known-key-0123456789");
        dev.picrust.secret.Redactor.shared().register(known);
        String shaped = "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0";
        JsonlSessionStore store = new JsonlSessionStore(dir);
        try (AgentSession s = store.create(SessionMetadata.create("r1", "agent", "m", "p"))) {
            s.append(Message.user("my key is " + known + " and " + shaped));
            s.appendRecord("error", Json.object().put("message", "provider said: bad key " + shaped));
            s.appendWithNext(Message.assistant("-----BEGIN RSA PRIVATE KEY-----\nMIIEow"));
        }
        String file = Files.readString(dir.resolve("r1/history.jsonl"));
        assertThat(file).doesNotContain(known).doesNotContain(shaped).doesNotContain("MIIEow").contains("[REDACTED]");
        try (AgentSession s = store.open("r1")) {
            assertThat(s.messages()).hasSize(2);  // every redacted line is still valid JSON
            assertThat(s.messages().getFirst().text()).isEqualTo("my key is [REDACTED] and [REDACTED]");
        }
    }
}
