package dev.picrust.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.json.Json;
import dev.picrust.llm.Message;
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
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("metadata.json", "history.jsonl");
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
