package dev.picrust.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpConfigFileTest {
    @TempDir
    Path dir;

    private static final Function<String, Optional<String>> ENV =
            name -> Optional.ofNullable(Map.of("TOKEN", "s3cret", "HOST", "127.0.0.1").get(name));

    @Test
    void readsStdioAndHttpServersWithVariablesExpanded() throws IOException {
        Path file = write(dir.resolve(".mcp.json"), """
                {"mcpServers": {
                  "files": {"command": "npx", "args": ["-y", "server", "${HOST}"], "env": {"API": "${TOKEN}",
                            "MODE": "${MODE:-fast}"}, "cwd": "sub"},
                  "remote": {"type": "http", "url": "http://${HOST}:3001/mcp", "headers": {"Authorization": "Bearer ${TOKEN}"}}
                }}""");

        List<McpServerConfig> servers = McpConfigFile.read(file, ENV);

        assertThat(servers).containsExactly(
                new McpServerConfig.Stdio("files", "npx", List.of("-y", "server", "127.0.0.1"),
                        Map.of("API", "s3cret", "MODE", "fast"), Optional.of(dir.resolve("sub"))),
                new McpServerConfig.Http("remote", URI.create("http://127.0.0.1:3001/mcp"),
                        Map.of("Authorization", "Bearer s3cret")));
    }

    @Test
    void anUnsetVariableIsAnErrorNamingServerAndVariable() throws IOException {
        Path file = write(dir.resolve(".mcp.json"), """
                {"mcpServers": {"remote": {"type": "http", "url": "http://x/mcp", "headers": {"A": "${MISSING}"}}}}""");

        assertThatThrownBy(() -> McpConfigFile.read(file, ENV)).isInstanceOf(IOException.class)
                .hasMessageContaining("remote").hasMessageContaining("MISSING");
    }

    @Test
    void badShapesGetClearErrors() throws IOException {
        assertThatThrownBy(() -> McpConfigFile.read(write(dir.resolve("a.json"), "{\"servers\": {}}"), ENV))
                .hasMessageContaining("mcpServers");
        assertThatThrownBy(() -> McpConfigFile.read(write(dir.resolve("b.json"), "{\"mcpServers\": {\"x\": {}}}"), ENV))
                .hasMessageContaining("'x'").hasMessageContaining("command");
        assertThatThrownBy(() -> McpConfigFile.read(write(dir.resolve("c.json"),
                "{\"mcpServers\": {\"x\": {\"type\": \"sse\", \"url\": \"http://h/sse\"}}}"), ENV))
                .hasMessageContaining("not supported");
        assertThatThrownBy(() -> McpConfigFile.read(write(dir.resolve("d.json"), "{not json"), ENV))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> McpConfigFile.read(dir.resolve("missing.json"), ENV))
                .hasMessageContaining("not found");
    }

    @Test
    void projectServersReplaceHomeServersOfTheSameName() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path project = Files.createDirectories(dir.resolve("project"));
        write(home.resolve(".mcp.json"), """
                {"mcpServers": {"a": {"command": "home-a"}, "b": {"command": "home-b"}}}""");
        write(project.resolve(".mcp.json"), """
                {"mcpServers": {"b": {"command": "project-b"}}}""");

        List<McpServerConfig> servers = McpConfigFile.discover(project, home, ENV);

        assertThat(servers).extracting(s -> ((McpServerConfig.Stdio) s).command()).containsExactly("home-a", "project-b");
        assertThat(McpConfigFile.discover(dir.resolve("none"), dir.resolve("none"), ENV)).isEmpty();
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text);
    }
}
