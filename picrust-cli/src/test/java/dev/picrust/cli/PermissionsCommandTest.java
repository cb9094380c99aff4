package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.event.PermissionBehavior;
import dev.picrust.permission.PermissionRule;
import dev.picrust.permission.PermissionTier;
import dev.picrust.permission.RuleSet;
import dev.picrust.permission.RuleStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code picrust permissions list|add|remove}, in-process, on a temporary PiCrust home. */
class PermissionsCommandTest {
    @TempDir Path home;

    record Run(int code, String out, String err) {
        List<String> lines() {
            return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
        }
    }

    Run picrust(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--home");
        all.add(home.toString());
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Main.execute(o, e, all.toArray(String[]::new));
        }
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void addListRemoveRoundTrip() {
        Run added = picrust("permissions", "add", "Bash(git:*)");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("added allow Bash(git:*) to the local rules of agent type cli");
        assertThat(picrust("permissions", "add", "Read(~/.ssh/**)", "--behavior", "deny", "--tier", "global").code()).isZero();
        assertThat(picrust("permissions", "add", "Bash(npm run *)", "--behavior", "ask", "--agent-type", "reviewer").code())
                .isZero();

        // What the commands wrote is what an agent's RuleStore reads.
        RuleStore store = new RuleStore(home);
        assertThat(store.load(PermissionTier.LOCAL, "cli"))
                .isEqualTo(RuleSet.of(List.of("Bash(git:*)"), List.of(), List.of()));
        assertThat(store.load(PermissionTier.GLOBAL, "any").rules(PermissionBehavior.DENY))
                .containsExactly(PermissionRule.parse("Read(~/.ssh/**)"));
        assertThat(store.file(PermissionTier.LOCAL, "reviewer")).exists();

        Run list = picrust("permissions", "list");
        assertThat(list.code()).isZero();
        assertThat(list.lines()).extracting(l -> l.replaceAll("\\s+", " "))
                .containsExactly("local cli allow Bash(git:*)", "local reviewer ask Bash(npm run *)",
                        "global * deny Read(~/.ssh/**)");
        assertThat(picrust("permissions", "list", "--tier", "global").lines()).singleElement()
                .satisfies(l -> assertThat(l).contains("Read(~/.ssh/**)"));
        assertThat(picrust("permissions", "list", "--tier", "local", "--agent-type", "reviewer").lines()).singleElement()
                .satisfies(l -> assertThat(l).contains("reviewer").contains("ask").contains("Bash(npm run *)"));

        Run removed = picrust("permissions", "remove", "Bash(git:*)");
        assertThat(removed.code()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("removed allow Bash(git:*)");
        assertThat(store.load(PermissionTier.LOCAL, "cli").isEmpty()).isTrue();
        assertThat(picrust("permissions", "remove", "Read(~/.ssh/**)", "--tier", "global", "--behavior", "deny").code())
                .isZero();
        assertThat(picrust("permissions", "list").lines()).singleElement()
                .satisfies(l -> assertThat(l).contains("reviewer"));
    }

    @Test
    void addingARuleTwiceKeepsOneCopy() {
        picrust("permissions", "add", "Edit(src/**)");
        Run again = picrust("permissions", "add", "Edit(src/**)");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("already");
        assertThat(new RuleStore(home).load(PermissionTier.LOCAL, "cli").allow()).hasSize(1);
    }

    @Test
    void sessionRulesAreNotListedFromFiles() {
        Run list = picrust("permissions", "list", "--tier", "session");
        assertThat(list.code()).isZero();
        assertThat(list.out()).isEmpty();
        assertThat(list.err()).contains("never stored");
    }

    @Test
    void mistakesAreOneLineErrorsAndChangeNothing() throws Exception {
        Run missing = picrust("permissions", "remove", "Bash(rm:*)");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no rule Bash(rm:*) in the local rules of agent type cli");

        Run invalid = picrust("permissions", "add", "Bash(git:*");
        assertThat(invalid.code()).isEqualTo(2);
        assertThat(invalid.err()).contains("invalid rule").doesNotContain("Exception");

        assertThat(picrust("permissions", "add", "Bash", "--tier", "session").err()).contains("not stored in files");
        assertThat(picrust("permissions", "add", "Bash", "--behavior", "maybe").err()).contains("unknown --behavior");
        assertThat(picrust("permissions", "add", "Bash", "--agent-type", "../escape").code()).isEqualTo(1);
        assertThat(picrust("permissions", "list", "--tier", "planet").err()).contains("unknown --tier");
        assertThat(Files.exists(home.resolve("permissions").resolve("agents"))).isFalse();
    }
}
