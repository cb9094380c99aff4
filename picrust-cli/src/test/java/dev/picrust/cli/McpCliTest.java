package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.mcp.McpServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpCliTest {
    @TempDir
    Path dir;

    @Test
    void variablesInServerEntriesComeFromTheSettingsEnvThenTheProcess() throws Exception {
        Path file = dir.resolve(".mcp.json");
        Files.writeString(file, """
                {"mcpServers": {"files": {"command": "npx", "args": ["server", "--root=${PICRUST_TEST_ROOT}"],
                  "env": {"TOKEN": "${PICRUST_TEST_MCP_TOKEN}", "HOME_SEEN": "${HOME}"}}}}
                """);
        List<McpServerConfig> servers = McpCli.servers(List.of(file),
                Map.of("PICRUST_TEST_MCP_TOKEN", "from-settings", "PICRUST_TEST_ROOT", "/srv/data"));
        McpServerConfig.Stdio files = (McpServerConfig.Stdio) servers.getFirst();
        assertThat(files.env()).containsEntry("TOKEN", "from-settings")
                .containsEntry("HOME_SEEN", System.getenv("HOME"));
        assertThat(files.args()).containsExactly("server", "--root=/srv/data");
        // Only what an entry names reaches its server: the settings' other variables do not.
        assertThat(files.env()).doesNotContainKey("PICRUST_TEST_ROOT");
    }
}
