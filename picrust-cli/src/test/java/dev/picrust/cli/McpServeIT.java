package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Permissions;
import dev.picrust.json.Json;
import dev.picrust.mcp.McpServerConfig;
import dev.picrust.mcp.McpToolProvider;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.NpmMcpServers;
import dev.picrust.testkit.ScriptedModel;
import dev.picrust.testkit.ServerStep;
import dev.picrust.tool.ToolRegistry;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code picrust mcp serve} as a real process, called by the SDK's client and by PiCrust's own. */
class McpServeIT {
    private static final String TOKEN = "test-token-0123456789abcdef";
    @TempDir Path dir;
    MockLlmServer llm;
    Path workspace;
    final List<Process> servers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        llm = MockLlmServer.start();
        workspace = Files.createDirectories(dir.resolve("work"));
        // The served agent runs one Bash command, then answers.
        llm.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "echo from-the-employee")),
                ServerStep.text("Task done: from-the-employee"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : servers) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        llm.close();
    }

    List<String> serveCommand(String... extra) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "mcp", "serve",
                "--agent-type", "employee", "--allow", "Bash", "--cwd", workspace.toString(),
                "--sessions-dir", dir.resolve("sessions").toString()));
        command.addAll(List.of(extra));
        return command;
    }

    Map<String, String> env() {
        return Map.of("ANTHROPIC_API_KEY", "sk-test-key-1234567890", "ANTHROPIC_BASE_URL", llm.baseUrl(),
                "PICRUST_HOME", dir.resolve("picrust-home").toString(), "PICRUST_MCP_TOKEN", TOKEN);
    }

    @Test
    void overStdioTheSdksClientDelegatesATaskAndSeesProgress() throws Exception {
        List<String> command = serveCommand();
        ServerParameters params = ServerParameters.builder(command.getFirst()).args(command.subList(1, command.size()))
                .env(env()).build();
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = McpClient.sync(new StdioClientTransport(params,
                        new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper())))
                .requestTimeout(Duration.ofSeconds(120)).initializationTimeout(Duration.ofSeconds(120))
                .progressConsumer(progress::add).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("employee");

            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder().name("employee")
                    .arguments(Map.of("task", "say something")).progressToken("p-1").build());

            assertThat(result.isError()).isFalse();
            assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).isEqualTo("Task done: from-the-employee");
            assertThat(progress).extracting(McpSchema.ProgressNotification::message)
                    .anyMatch(m -> m.contains("using Bash")).anyMatch(m -> m.contains("Bash done"));
        }
        assertThat(llm.requests().getFirst().body().toString()).contains("say something");
    }

    @Test
    void overHttpWithATokenOurOwnAgentDelegatesToTheServedOne() throws Exception {
        URI url = startHttp();
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        ScriptedModel boss = new ScriptedModel().replyToolUse("mcp__staff__employee",
                Json.object().put("task", "please do the thing")).replyText("Delegated.");
        try (McpToolProvider mcp = McpToolProvider.builder()
                .server(new McpServerConfig.Http("staff", url, Map.of("Authorization", "Bearer " + TOKEN))).build();
             AgentRuntime runtime = new AgentRuntime(SessionStore.at(dir.resolve("boss-sessions")))) {
            AgentHandle handle = runtime.spawn(AgentConfig.builder(boss).tools(new ToolRegistry().register(mcp))
                    .permissions(Permissions.defaults().allow("mcp__staff__*")).workingDirectory(dir).build());
            List<OutputChunk> chunks = new ArrayList<>();
            try (Subscription out = handle.subscribe(Integer.MAX_VALUE)) {
                handle.send("get it done");
                for (Optional<OutputChunk> c = out.poll(Duration.ofSeconds(120)); c.isPresent(); c = out.poll(Duration.ofSeconds(120))) {
                    chunks.add(c.get());
                    if (c.get() instanceof OutputChunk.Done) {
                        break;
                    }
                }
            }
            OutputChunk.ToolEnd end = chunks.stream().filter(OutputChunk.ToolEnd.class::isInstance)
                    .map(OutputChunk.ToolEnd.class::cast).findFirst().orElseThrow(() -> new AssertionError(chunks));
            assertThat(end.isError()).isFalse();
            assertThat(end.content().toString()).contains("Task done: from-the-employee");
            assertThat(chunks).anyMatch(c -> c instanceof OutputChunk.ToolProgress p && p.output().contains("using Bash"));
        }
    }

    @Test
    void theConformanceSuitesServerScenariosPass() throws Exception {
        URI url = startHttp("--insecure-no-token");
        for (String scenario : List.of("server-initialize", "ping", "logging-set-level", "tools-list",
                "dns-rebinding-protection")) {
            List<String> command = new ArrayList<>(NpmMcpServers.conformance());
            command.addAll(List.of("server", "--url", url.toString(), "--scenario", scenario,
                    "-o", dir.resolve("results").toString()));
            Process suite = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(suite.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(suite.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(suite.exitValue()).as(scenario + ": " + output).isZero();
        }
    }

    private URI startHttp(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--http"));
        args.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(serveCommand(args.toArray(String[]::new))).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env());
        Process p = pb.start();
        servers.add(p);
        CompletableFuture<URI> url = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                StringBuilder all = new StringBuilder();
                while ((line = err.readLine()) != null) {
                    all.append(line).append('\n');
                    int at = line.indexOf("listening on ");
                    if (at >= 0) {
                        url.complete(URI.create(line.substring(at + "listening on ".length()).strip()));
                    }
                }
                url.completeExceptionally(new AssertionError("serve exited: " + all));
            } catch (java.io.IOException e) {
                url.completeExceptionally(e);
            }
        });
        return url.get(120, TimeUnit.SECONDS);
    }
}
