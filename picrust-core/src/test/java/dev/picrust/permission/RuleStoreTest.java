package dev.picrust.permission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleStoreTest {
    @TempDir
    Path home;

    @Test
    void missingFilesAreEmptyTiers() {
        RuleStore store = new RuleStore(home);
        assertThat(store.load(PermissionTier.GLOBAL, "coder")).isEqualTo(RuleSet.EMPTY);
        assertThat(store.load(PermissionTier.LOCAL, "coder")).isEqualTo(RuleSet.EMPTY);
    }

    @Test
    void rulesSurviveAFreshStoreAndLiveInTheDocumentedFiles() throws Exception {
        RuleStore store = new RuleStore(home);
        store.add(PermissionTier.GLOBAL, "coder", PermissionBehavior.DENY, PermissionRule.parse("Read(~/.ssh/**)"));
        store.add(PermissionTier.GLOBAL, "coder", PermissionBehavior.ALLOW, PermissionRule.parse("Bash(git:*)"));
        store.add(PermissionTier.GLOBAL, "coder", PermissionBehavior.ALLOW, PermissionRule.parse("Bash(git:*)"));
        store.add(PermissionTier.LOCAL, "coder", PermissionBehavior.ASK, PermissionRule.parse("Bash(git push:*)"));

        RuleStore fresh = new RuleStore(home);
        assertThat(fresh.load(PermissionTier.GLOBAL, "anyone").allow()).containsExactly(PermissionRule.parse("Bash(git:*)"));
        assertThat(fresh.load(PermissionTier.GLOBAL, "anyone").deny()).containsExactly(PermissionRule.parse("Read(~/.ssh/**)"));
        assertThat(fresh.load(PermissionTier.LOCAL, "coder").ask()).containsExactly(PermissionRule.parse("Bash(git push:*)"));
        assertThat(fresh.load(PermissionTier.LOCAL, "reviewer")).isEqualTo(RuleSet.EMPTY);

        var global = Json.parse(Files.readString(home.resolve("permissions/global.json")));
        assertThat(global.path("allow").get(0).asText()).isEqualTo("Bash(git:*)");
        assertThat(global.path("deny").get(0).asText()).isEqualTo("Read(~/.ssh/**)");
        assertThat(home.resolve("permissions/agents/coder.json")).exists();
        try (var files = Files.list(home.resolve("permissions"))) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("global.json.tmp")
                    .allMatch(n -> !n.endsWith(".tmp"));
        }
    }

    @Test
    void removeRewritesTheFile() {
        RuleStore store = new RuleStore(home);
        PermissionRule rule = PermissionRule.parse("Bash(make:*)");
        store.add(PermissionTier.GLOBAL, "x", PermissionBehavior.ALLOW, rule);
        store.remove(PermissionTier.GLOBAL, "x", PermissionBehavior.ALLOW, rule);
        assertThat(new RuleStore(home).load(PermissionTier.GLOBAL, "x").allow()).isEmpty();
    }

    @Test
    void seesEditsMadeByOtherProcesses() throws Exception {
        RuleStore store = new RuleStore(home);
        store.add(PermissionTier.GLOBAL, "x", PermissionBehavior.ALLOW, PermissionRule.parse("Bash(a:*)"));
        assertThat(store.load(PermissionTier.GLOBAL, "x").allow()).hasSize(1);
        // Another process (e.g. `picrust permissions add`) replaces the file.
        new RuleStore(home).add(PermissionTier.GLOBAL, "x", PermissionBehavior.DENY, PermissionRule.parse("Bash(b:*)"));
        assertThat(store.load(PermissionTier.GLOBAL, "x").deny()).containsExactly(PermissionRule.parse("Bash(b:*)"));
    }

    @Test
    void aChangeMadeOutsideARuleStoreOnlyNarrowsWhatARunningStoreAccepted() throws Exception {
        RuleStore store = new RuleStore(home);
        store.add(PermissionTier.GLOBAL, "x", PermissionBehavior.ALLOW, PermissionRule.parse("Bash(git:*)"));
        store.add(PermissionTier.GLOBAL, "x", PermissionBehavior.DENY, PermissionRule.parse("Bash(rm:*)"));
        assertThat(store.load(PermissionTier.GLOBAL, "x").deny()).hasSize(1);
        Path global = home.resolve("permissions/global.json");

        // An agent's shell command (or an editor) rewrites the file: allow everything, deny nothing.
        Files.writeString(global, "{\"allow\": [\"Bash\", \"Bash(git:*)\"], \"ask\": [\"Write\"], \"deny\": []}");
        RuleSet seen = store.load(PermissionTier.GLOBAL, "x");
        assertThat(seen.allow()).extracting(PermissionRule::toString).containsExactly("Bash(git:*)");
        assertThat(seen.deny()).extracting(PermissionRule::toString).containsExactly("Bash(rm:*)");
        assertThat(seen.ask()).extracting(PermissionRule::toString).containsExactly("Write");

        // Deleting the file does not drop the deny either.
        Files.delete(global);
        assertThat(store.load(PermissionTier.GLOBAL, "x").deny()).extracting(PermissionRule::toString)
                .containsExactly("Bash(rm:*)");

        // A store started afterwards takes the file as it finds it (its snapshot); rule files are
        // protected settings, so an agent cannot write it in the first place.
        Files.writeString(global, "{\"allow\": [\"Read\"]}");
        assertThat(new RuleStore(home).load(PermissionTier.GLOBAL, "x").allow()).extracting(PermissionRule::toString)
                .containsExactly("Read");
    }

    @Test
    void aChangeMadeThroughAnotherRuleStoreIsTakenAsItIs() {
        RuleStore running = new RuleStore(home);
        assertThat(running.load(PermissionTier.LOCAL, "cli").allow()).isEmpty();
        new RuleStore(home).add(PermissionTier.LOCAL, "cli", PermissionBehavior.ALLOW, PermissionRule.parse("Bash"));
        assertThat(running.load(PermissionTier.LOCAL, "cli").allow()).extracting(PermissionRule::toString)
                .containsExactly("Bash");
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        int writers = 16;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                // A separate store per writer, as separate agents or processes would have.
                new RuleStore(home).add(PermissionTier.GLOBAL, "x", PermissionBehavior.ALLOW,
                        PermissionRule.parse("Bash(tool" + n + ":*)"));
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(new RuleStore(home).load(PermissionTier.GLOBAL, "x").allow()).hasSize(writers);
    }

    @Test
    void brokenFilesAndBadAgentTypesAreErrors() throws Exception {
        RuleStore store = new RuleStore(home);
        assertThatThrownBy(() -> store.file(PermissionTier.LOCAL, "../../etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.file(PermissionTier.SESSION, "x")).isInstanceOf(IllegalArgumentException.class);
        Files.createDirectories(home.resolve("permissions"));
        Files.writeString(home.resolve("permissions/global.json"), "not json");
        assertThatThrownBy(() -> store.load(PermissionTier.GLOBAL, "x")).isInstanceOf(RuleStoreException.class)
                .hasMessageContaining("global.json");
    }
}
