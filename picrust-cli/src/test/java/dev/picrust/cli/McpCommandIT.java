package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.NpmMcpServers;
import dev.picrust.testkit.ServerStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code picrust mcp list} and {@code picrust run --mcp-config} as real processes with a real npm MCP server. */
class McpCommandIT {
    @TempDir Path dir;
    MockLlmServer server;
    Path workspace;
    Path config;

    @BeforeEach
    void start() throws Exception {
        server = MockLlmServer.start();
        workspace = Files.createDirectories(dir.resolve("work"));
        List<String> command = NpmMcpServers.everythingStdio();
        ObjectNode everything = Json.object().put("command", command.getFirst());
        command.subList(1, command.size()).forEach(everything.putArray("args")::add);
        ObjectNode root = Json.object();
        root.putObject("mcpServers").set("everything", everything);
        root.with("mcpServers").putObject("nowhere").put("type", "http").put("url", "http://127.0.0.1:1/mcp");
        config = Files.writeString(dir.resolve("servers.json"), Json.write(root));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Map<String, String> env() {
        return Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890", "ANTHROPIC_BASE_URL", server.baseUrl());
    }

    @Test
    void listShowsEachServersStatusAndTools() throws Exception {
        CliProcess cli = CliProcess.start(dir, env(), "mcp", "list", "--mcp-config", config.toString(), "--timeout", "120");
        List<String> out = new ArrayList<>();
        int code = cli.finish(out);

        String text = String.join("\n", out);
        assertThat(text).as(cli.stderr.get()).contains("everything  (stdio ").contains("connected (mcp-servers/everything")
                .contains("  mcp__everything__get-sum  ").contains("nowhere  (http http://127.0.0.1:1/mcp)  disconnected");
        assertThat(code).isEqualTo(1);  // one server is unreachable
    }

    @Test
    void runGivesTheAgentTheServersTools() throws Exception {
        server.enqueue(ServerStep.toolUse("mcp__everything__get-sum", Json.object().put("a", 19).put("b", 23)),
                ServerStep.text("It is 42."));
        CliProcess cli = CliProcess.start(dir, env(), "run", "--sessions-dir", dir.resolve("sessions").toString(),
                "--cwd", workspace.toString(), "--output", "jsonl", "--mcp-config", config.toString(),
                "--allow", "mcp__everything__*", "add 19 and 23");
        List<String> out = new ArrayList<>();
        int code = cli.finish(out);

        assertThat(code).as(cli.stderr.get()).isZero();
        List<JsonNode> ends = new ArrayList<>();
        for (String line : out) {
            JsonNode chunk = Json.parse(line);
            if (chunk.path("type").asText().equals("tool_end")) {
                ends.add(chunk);
            }
        }
        assertThat(ends).hasSize(1);
        assertThat(ends.getFirst().path("is_error").asBoolean()).isFalse();
        assertThat(ends.getFirst().toString()).contains("42");
        assertThat(server.requests().getFirst().body().toString()).contains("mcp__everything__echo");
        assertThat(cli.stderr.get()).contains("MCP server 'nowhere' disconnected");
    }

    @Test
    void aRunWithoutMcpServersLoadsNoMcpClass() throws Exception {
        server.enqueue(ServerStep.text("hello"));
        Path classLog = dir.resolve("classes.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classLog, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", "--sessions-dir", dir.resolve("sessions").toString(),
                "--cwd", workspace.toString(), "hi"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env());
        pb.environment().put("PICRUST_HOME", dir.resolve("picrust-home").toString());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isZero();
        String loaded = Files.readString(classLog);
        assertThat(loaded).contains("dev.picrust.cli.RunCommand").contains("dev.picrust.cli.McpCommand");
        assertThat(loaded).doesNotContain("dev.picrust.mcp.").doesNotContain("io.modelcontextprotocol")
                .doesNotContain("dev.picrust.cli.McpCli");
    }
}
