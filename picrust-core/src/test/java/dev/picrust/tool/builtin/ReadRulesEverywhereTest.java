package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.permission.PermissionDecision;
import dev.picrust.permission.PermissionMode;
import dev.picrust.permission.PermissionPolicy;
import dev.picrust.permission.PermissionQuery;
import dev.picrust.permission.RuleSet;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's leak: with {@code --deny 'Read(~/.ssh/**)'}, Grep over {@code ~} returned the private key,
 * because rules were checked against Grep's path only. Every file a search touches is now checked.
 */
class ReadRulesEverywhereTest {
    static final String KEY_LINE = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ secret-key-material";

    @TempDir Path temp;
    Path home;
    PermissionPolicy policy;
    TestToolContext context;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(temp.resolve("home"));
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n" + KEY_LINE + "\n");
        Files.writeString(home.resolve("notes.txt"), "secret-key-material is what we call the demo string\n");
        policy = new PermissionPolicy(Optional.empty(), RuleSet.of(List.of(), List.of(), List.of("Read(~/.ssh/**)")), home);
        context = TestToolContext.in(temp)
                .readable(f -> policy.mayRead(f, home, "agent", PermissionMode.DEFAULT));
    }

    @Test
    void grepOverTheHomeFolderSkipsTheDeniedKeyAndSaysSo() throws Exception {
        var input = Json.object().put("pattern", "secret-key-material").put("path", "~".replace("~", home.toString()))
                .put("output_mode", "content");
        PermissionDecision gate = policy.decide(new PermissionQuery("Grep", Json.object().put("pattern", "x").put("path", "~"),
                true, home, "agent", PermissionMode.DEFAULT));
        assertThat(gate.allowed()).as("the call itself is allowed: the folder is not denied").isTrue();

        ToolResult result = context.run(new GrepTool(), input);
        assertThat(result.text()).doesNotContain(KEY_LINE).doesNotContain("id_ed25519")
                .contains("notes.txt").contains("1 file(s) were not searched: the Read permission rules deny them");
    }

    @Test
    void globDoesNotListDeniedFiles() throws Exception {
        ToolResult result = context.run(new GlobTool(), Json.object().put("pattern", "**/*").put("path", home.toString()));
        assertThat(result.text()).doesNotContain("id_ed25519").contains("notes.txt")
                .contains("1 matching file(s) not listed: the Read permission rules deny them");
    }

    @Test
    void presentFileRefusesADeniedFile() throws Exception {
        ToolResult result = context.run(new PresentFileTool(), Json.object()
                .put("file_path", home.resolve(".ssh/id_ed25519").toString()).put("file_name", "key"));
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("Read permission rules deny it");
        assertThat(context.chunks()).noneMatch(c -> c instanceof dev.picrust.event.OutputChunk.FilePresented);
        // And the gate: Read(...) rules cover PresentFile as they cover Read.
        assertThat(policy.decide(new PermissionQuery("PresentFile", Json.object()
                .put("file_path", "~/.ssh/id_ed25519").put("file_name", "k"), true, home, "agent", PermissionMode.DEFAULT))
                .allowed()).isFalse();
    }

    @Test
    void aSymlinkIntoTheDeniedFolderIsSkippedToo() throws Exception {
        Files.createSymbolicLink(home.resolve("innocent.txt"), home.resolve(".ssh/id_ed25519"));
        ToolResult result = context.run(new GrepTool(), Json.object().put("pattern", "secret-key-material")
                .put("path", home.toString()).put("output_mode", "content"));
        assertThat(result.text()).doesNotContain(KEY_LINE);
    }
}
