package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnifiedDiffTest {
    @TempDir Path dir;

    @Test
    void oneChangedLineGetsThreeLinesOfContext() {
        String before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
        String after = "1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n";
        assertThat(UnifiedDiff.of(before, after)).containsExactly(
                "@@ -3,7 +3,7 @@", " 3", " 4", " 5", "-6", "+six", " 7", " 8", " 9");
        assertThat(UnifiedDiff.of(before, before)).isEmpty();
        assertThat(UnifiedDiff.of("", "a\nb\n")).containsExactly("@@ -0,0 +1,2 @@", "+a", "+b");
    }

    /** Every diff, applied by git to the old file, gives the new file: the hunks and their ranges are right. */
    @Test
    void gitAppliesTheDiffsToReproduceTheNewFile() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 25; round++) {
            List<String> lines = new ArrayList<>();
            int size = random.nextInt(30);
            for (int i = 0; i < size; i++) {
                lines.add("line " + random.nextInt(8));
            }
            List<String> changed = new ArrayList<>(lines);
            for (int edits = random.nextInt(5); edits > 0; edits--) {
                int at = changed.isEmpty() ? 0 : random.nextInt(changed.size());
                switch (random.nextInt(3)) {
                    case 0 -> changed.add(at, "new " + random.nextInt(100));
                    case 1 -> { if (!changed.isEmpty()) changed.remove(at); }
                    default -> { if (!changed.isEmpty()) changed.set(at, "changed " + random.nextInt(100)); }
                }
            }
            String before = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
            String after = changed.isEmpty() ? "" : String.join("\n", changed) + "\n";
            List<String> diff = UnifiedDiff.of(before, after);
            if (before.equals(after)) {
                assertThat(diff).isEmpty();
                continue;
            }
            Path file = dir.resolve("f");
            Files.writeString(file, before);
            Path patch = dir.resolve("p.diff");
            Files.writeString(patch, "--- a/f\n+++ b/f\n" + String.join("\n", diff) + "\n");
            Process git = new ProcessBuilder("git", "apply", "--unidiff-zero", "p.diff").directory(dir.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(git.exitValue()).as("round %d: %s\n%s", round, output, String.join("\n", diff)).isZero();
            assertThat(Files.readString(file)).as("round %d", round).isEqualTo(after);
        }
    }
}
