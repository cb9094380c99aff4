package dev.picrust.mcp;

import static dev.picrust.mcp.AgentRun.text;
import static dev.picrust.mcp.AgentRun.toolEnds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.agent.Permissions;
import dev.picrust.json.Json;
import dev.picrust.event.OutputChunk;
import dev.picrust.testkit.NpmMcpServers;
import dev.picrust.testkit.ScriptedModel;
import dev.picrust.tool.ToolRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent loop using server-everything over Streamable HTTP on a loopback port. */
class McpHttpIT {
    @TempDir
    Path dir;

    @Test
    void theAgentCallsToolsOverStreamableHttpWithSessionAndCustomHeaders() throws Exception {
        try (NpmMcpServers.HttpServer server = NpmMcpServers.everythingOverHttp();
             McpToolProvider mcp = McpToolProvider.builder().server(new McpServerConfig.Http("web", URI.create(server.url()),
                     Map.of("X-Api-Key", "k-123"))).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(mcp), Permissions.defaults().allow("mcp__web__*"),
                     false)) {
            McpServerStatus status = mcp.status().get("web");
            assertThat(status).isInstanceOf(McpServerStatus.Connected.class);
            assertThat(((McpServerStatus.Connected) status).protocolVersion()).isEqualTo("2025-11-25");
            run.model.replyToolUses(List.of(
                            ScriptedModel.toolUse("mcp__web__echo", Json.object().put("message", "over http")),
                            ScriptedModel.toolUse("mcp__web__get-sum", Json.object().put("a", 40).put("b", 2)),
                            ScriptedModel.toolUse("mcp__web__trigger-long-running-operation",
                                    Json.object().put("duration", 1).put("steps", 2))))
                    .replyText("ok");

            List<OutputChunk> chunks = run.turn("go");

            List<OutputChunk.ToolEnd> ends = toolEnds(chunks);
            assertThat(ends).noneMatch(OutputChunk.ToolEnd::isError);
            assertThat(text(ends.get(0))).contains("over http");
            assertThat(text(ends.get(1))).contains("42");
            // Progress arrives as SSE events on the call's response stream.
            assertThat(chunks).anyMatch(c -> c instanceof OutputChunk.ToolProgress p && p.output().contains("(2/2)"));
            // Tools the server adds after initialization are announced on the standalone GET stream.
            McpTestServers.await("the list_changed tools", java.time.Duration.ofSeconds(30),
                    () -> mcp.toolNames().get("web").contains("mcp__web__trigger-elicitation-request"));
        }
    }

    @Test
    void aServerThatGoesAwayIsAnErrorResultAndIsReconnectedWhenBack() throws Exception {
        NpmMcpServers.HttpServer first = NpmMcpServers.everythingOverHttp();
        URI url = URI.create(first.url());
        try (McpToolProvider mcp = McpToolProvider.builder().server(new McpServerConfig.Http("web", url, Map.of()))
                .callTimeout(java.time.Duration.ofSeconds(5))
                .backoff(java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(500)).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(mcp), Permissions.defaults().allow("mcp__web__*"),
                     false)) {
            first.close();
            run.model.replyToolUse("mcp__web__echo", Json.object().put("message", "anyone?")).replyText("ok");

            OutputChunk.ToolEnd down = toolEnds(run.turn("one")).getFirst();

            assertThat(down.isError()).isTrue();
            try (NpmMcpServers.HttpServer second = NpmMcpServers.everythingOverHttp(url.getPort())) {
                McpTestServers.await("the reconnect", java.time.Duration.ofSeconds(60),
                        () -> mcp.status().get("web") instanceof McpServerStatus.Connected);
                run.model.replyToolUse("mcp__web__echo", Json.object().put("message", "back")).replyText("ok");
                OutputChunk.ToolEnd up = toolEnds(run.turn("two")).getFirst();
                assertThat(up.isError()).as(text(up)).isFalse();
                assertThat(text(up)).contains("back");
            }
        }
    }
}
