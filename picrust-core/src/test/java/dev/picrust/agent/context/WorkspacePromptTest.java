package dev.picrust.agent.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacePromptTest {
    static final Clock DEC_5 = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);

    @TempDir Path dir;

    @Test
    void statesTheEnvironment() throws Exception {
        String prompt = WorkspacePrompt.of("You are a careful engineer.", dir, DEC_5);
        assertThat(prompt).startsWith("You are a careful engineer.\n\n# Environment\n")
                .contains("- Today's date: 2026-12-05")
                .contains("- Working folder: " + dir.toAbsolutePath().normalize())
                .contains("- Platform: " + System.getProperty("os.name"))
                .contains("- Git: not a git repository")
                .doesNotContain("# Project instructions");
    }

    @Test
    void projectInstructionsFromTheFolderAndItsParentsNearestLast() throws Exception {
        Path child = Files.createDirectories(dir.resolve("repo/module"));
        Files.writeString(dir.resolve("AGENTS.md"), "outer rule");
        Files.writeString(dir.resolve("repo/AGENTS.md"), "repo rule");
        Files.writeString(dir.resolve("repo/PICRUST.md"), "repo picrust rule");
        Files.writeString(child.resolve("AGENTS.md"), "module rule");

        assertThat(WorkspacePrompt.instructionFiles(child)).endsWith(dir.resolve("AGENTS.md"),
                dir.resolve("repo/AGENTS.md"), dir.resolve("repo/PICRUST.md"), child.resolve("AGENTS.md"));
        String prompt = WorkspacePrompt.of("role", child, DEC_5);
        assertThat(prompt).contains("# Project instructions");
        assertThat(prompt.indexOf("outer rule")).isLessThan(prompt.indexOf("repo rule"));
        assertThat(prompt.indexOf("repo rule")).isLessThan(prompt.indexOf("repo picrust rule"));
        assertThat(prompt.indexOf("repo picrust rule")).isLessThan(prompt.indexOf("module rule"));
    }

    @Test
    void aHugeOrBinaryInstructionFileIsBounded() throws Exception {
        Files.writeString(dir.resolve("AGENTS.md"), "x".repeat(WorkspacePrompt.MAX_FILE_CHARS + 5000));
        Files.write(dir.resolve("PICRUST.md"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        String prompt = WorkspacePrompt.of("role", dir, DEC_5);
        assertThat(prompt).contains("(cut: the file is longer than").contains("is not UTF-8 text and was not read");
        assertThat(prompt.length()).isLessThan(WorkspacePrompt.MAX_FILE_CHARS + 2000);
    }

    @Test
    void namesTheGitBranchAndWhetherItIsClean() throws Exception {
        if (new ProcessBuilder("git", "--version").start().waitFor() != 0) {
            return;  // no git here: the other tests cover the prompt
        }
        git("init", "-q", "-b", "trunk");
        assertThat(WorkspacePrompt.of("role", dir, DEC_5)).contains("- Git: branch ").contains("trunk").contains("clean");
        Files.writeString(dir.resolve("new.txt"), "x");
        assertThat(WorkspacePrompt.of("role", dir, DEC_5)).contains("1 changed file(s)");
    }

    @Test
    void aFolderInsideARepositoryIsSeenThroughASymbolicLinkToIt() throws Exception {
        if (new ProcessBuilder("git", "--version").start().waitFor() != 0) {
            return;  // no git here: the other tests cover the prompt
        }
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path deep = Files.createDirectories(repo.resolve("a/b"));
        assertThat(new ProcessBuilder("git", "init", "-q", "-b", "trunk").directory(repo.toFile()).inheritIO().start()
                .waitFor()).isZero();
        Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("elsewhere")).resolve("link"), deep);

        assertThat(GitStatusInjector.mayBeInRepository(link)).isTrue();
        assertThat(WorkspacePrompt.of("role", link, DEC_5)).contains("- Git: branch ").contains("trunk");
        assertThat(GitStatusInjector.mayBeInRepository(dir.resolve("elsewhere"))).isFalse();
        assertThat(WorkspacePrompt.of("role", dir.resolve("elsewhere"), DEC_5)).contains("- Git: not a git repository");
    }

    private void git(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        assertThat(new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start().waitFor()).isZero();
    }
}
