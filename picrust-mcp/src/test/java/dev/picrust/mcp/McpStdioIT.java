package dev.picrust.mcp;

import static dev.picrust.mcp.AgentRun.text;
import static dev.picrust.mcp.AgentRun.toolEnds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.agent.Permissions;
import dev.picrust.json.Json;
import dev.picrust.llm.ImageBlock;
import dev.picrust.event.OutputChunk;
import dev.picrust.testkit.ScriptedModel;
import dev.picrust.tool.ToolRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent loop using {@code @modelcontextprotocol/server-everything} over stdio. */
class McpStdioIT {
    @TempDir
    Path dir;

    private static final Permissions ALLOW_EVERYTHING = Permissions.defaults().allow("mcp__everything__*");

    @Test
    void theAgentCallsServerToolsAndGetsTextImagesStructuredContentAndProgress() throws Exception {
        try (McpToolProvider mcp = McpToolProvider.builder().server(McpTestServers.everything("everything")).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(mcp), ALLOW_EVERYTHING, false)) {
            assertThat(mcp.status().get("everything")).isInstanceOf(McpServerStatus.Connected.class);
            assertThat(mcp.toolNames().get("everything")).contains("mcp__everything__echo", "mcp__everything__get-sum");
            run.model.replyToolUses(List.of(
                            ScriptedModel.toolUse("mcp__everything__echo", Json.object().put("message", "hi there")),
                            ScriptedModel.toolUse("mcp__everything__get-sum", Json.object().put("a", 2).put("b", 3)),
                            ScriptedModel.toolUse("mcp__everything__get-tiny-image", Json.object()),
                            ScriptedModel.toolUse("mcp__everything__get-structured-content",
                                    Json.object().put("location", "Chicago")),
                            ScriptedModel.toolUse("mcp__everything__trigger-long-running-operation",
                                    Json.object().put("duration", 1).put("steps", 2))))
                    .replyText("All done.");

            List<OutputChunk> chunks = run.turn("use the tools");

            List<OutputChunk.ToolEnd> ends = toolEnds(chunks);
            assertThat(ends).hasSize(5).noneMatch(OutputChunk.ToolEnd::isError);
            assertThat(text(ends.get(0))).contains("hi there");
            assertThat(text(ends.get(1))).contains("5");
            assertThat(ends.get(2).content()).anyMatch(ImageBlock.class::isInstance);
            assertThat(text(ends.get(3))).contains("temperature");
            assertThat(chunks).filteredOn(OutputChunk.ToolProgress.class::isInstance)
                    .extracting(c -> ((OutputChunk.ToolProgress) c).output())
                    .anyMatch(p -> p.contains("(1/2)"));
            // The model got the results in the next request.
            assertThat(run.model.lastRequest().orElseThrow().messages().toString()).contains("hi there");
        }
    }

    @Test
    void rulesApplyToMcpToolsLikeAnyOther() throws Exception {
        Permissions denyEcho = ALLOW_EVERYTHING.deny("mcp__everything__echo");
        try (McpToolProvider mcp = McpToolProvider.builder().server(McpTestServers.everything("everything")).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(mcp), denyEcho, false)) {
            run.model.replyToolUses(List.of(
                            ScriptedModel.toolUse("mcp__everything__echo", Json.object().put("message", "x")),
                            ScriptedModel.toolUse("mcp__everything__get-sum", Json.object().put("a", 1).put("b", 1))))
                    .replyText("ok");

            List<OutputChunk.ToolEnd> ends = toolEnds(run.turn("go"));

            assertThat(ends.get(0).isError()).isTrue();
            assertThat(ends.get(1).isError()).isFalse();
        }
    }

    @Test
    void aKilledServerIsRestartedAndTheNextCallWorks() throws Exception {
        try (McpToolProvider mcp = McpToolProvider.builder().server(McpTestServers.everything("everything"))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(2)).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(mcp), ALLOW_EVERYTHING, false)) {
            run.model.replyToolUse("mcp__everything__echo", Json.object().put("message", "before")).replyText("ok");
            assertThat(text(toolEnds(run.turn("one")).getFirst())).contains("before");
            long pid = mcp.serverPid("everything").orElseThrow();

            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            McpTestServers.await("the server to be restarted", Duration.ofSeconds(60),
                    () -> mcp.serverPid("everything").filter(p -> p != pid).isPresent()
                            && mcp.status().get("everything") instanceof McpServerStatus.Connected);

            run.model.replyToolUse("mcp__everything__echo", Json.object().put("message", "after")).replyText("ok");
            OutputChunk.ToolEnd after = toolEnds(run.turn("two")).getFirst();
            assertThat(after.isError()).isFalse();
            assertThat(text(after)).contains("after");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void aCallDuringTheOutageWaitsForTheReconnect() throws Exception {
        try (McpToolProvider mcp = McpToolProvider.builder().server(McpTestServers.everything("everything"))
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(4)).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(mcp), ALLOW_EVERYTHING, false)) {
            long pid = mcp.serverPid("everything").orElseThrow();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            McpTestServers.await("the loss to be noticed", Duration.ofSeconds(30),
                    () -> mcp.serverPid("everything").filter(p -> p == pid).isEmpty());
            // The first reconnect attempt is 2 s away: the call below is made during the outage.
            // The tools stay offered during the outage; the call waits for the reconnect.
            run.model.replyToolUse("mcp__everything__get-sum", Json.object().put("a", 20).put("b", 22)).replyText("ok");

            List<OutputChunk.ToolEnd> ends = toolEnds(run.turn("add"));

            assertThat(ends).hasSize(1);
            assertThat(ends.getFirst().isError()).as(text(ends.getFirst())).isFalse();
            assertThat(text(ends.getFirst())).contains("42");
        }
    }

    @Test
    void aHungCallBecomesAnErrorResultAfterTheTimeoutAndTheAgentGoesOn() throws Exception {
        try (McpToolProvider mcp = McpToolProvider.builder().server(McpTestServers.everything("everything"))
                .callTimeout(Duration.ofSeconds(2)).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(mcp), ALLOW_EVERYTHING, false)) {
            run.model.replyToolUse("mcp__everything__trigger-long-running-operation",
                            Json.object().put("duration", 60).put("steps", 60))
                    .replyToolUse("mcp__everything__echo", Json.object().put("message", "still here"))
                    .replyText("ok");
            Instant start = Instant.now();

            List<OutputChunk.ToolEnd> ends = toolEnds(run.turn("wait"));

            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(50));
            assertThat(ends.get(0).isError()).isTrue();
            assertThat(text(ends.get(0))).contains("did not answer");
            assertThat(text(ends.get(1))).contains("still here");
        }
    }

    @Test
    void anElicitationIsAskedThroughTheHandleAndDefaultsFillUnansweredFields() throws Exception {
        try (McpToolProvider mcp = McpToolProvider.builder().server(McpTestServers.everything("everything")).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(mcp), ALLOW_EVERYTHING, true)) {
            // Registered after initialization, announced with tools/list_changed.
            McpTestServers.await("the elicitation tool", Duration.ofSeconds(30),
                    () -> mcp.toolNames().get("everything").contains("mcp__everything__trigger-elicitation-request"));
            run.model.replyToolUse("mcp__everything__trigger-elicitation-request", Json.object()).replyText("ok");

            List<OutputChunk> chunks = run.turn("ask me", Duration.ofSeconds(90), chunk -> {
                if (chunk instanceof OutputChunk.Question q) {
                    Map<String, String> answers = new HashMap<>();
                    for (JsonNode question : q.questions()) {
                        String text = question.path("question").asText();
                        if (text.contains("full, legal name")) {
                            answers.put(text, "Ada Lovelace");
                        } else if (text.contains("terms and conditions")) {
                            answers.put(text, "yes");
                        }
                    }
                    run.handle.answer(q.requestId(), answers);
                }
            });

            assertThat(chunks).anyMatch(OutputChunk.Question.class::isInstance);
            OutputChunk.ToolEnd end = toolEnds(chunks).getFirst();
            assertThat(end.isError()).isFalse();
            assertThat(text(end)).contains("Ada Lovelace").contains("It was a dark and stormy night.");
        }
    }

    @Test
    void closingTheRegistryStopsTheServerProcess() {
        McpToolProvider mcp = McpToolProvider.builder().server(McpTestServers.everything("everything")).build();
        ToolRegistry registry = new ToolRegistry().register(mcp);
        ProcessHandle server = ProcessHandle.of(mcp.serverPid("everything").orElseThrow()).orElseThrow();
        assertThat(server.isAlive()).isTrue();

        registry.close();

        assertThat(server.isAlive()).isFalse();
        assertThat(registry.tools()).isEmpty();
        assertThat(mcp.status().get("everything")).isInstanceOf(McpServerStatus.Closed.class);
    }

    @Test
    void samplingGoesToTheOperatorsModelOnlyWhenEnabled() throws Exception {
        ScriptedModel sampled = new ScriptedModel("sampling-model").replyText("a haiku about tests");
        try (McpToolProvider off = McpToolProvider.builder().server(McpTestServers.everything("plain")).build();
             McpToolProvider on = McpToolProvider.builder().server(McpTestServers.everything("everything"))
                     .sampling(McpSampler.using(sampled)).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(on), ALLOW_EVERYTHING, false)) {
            McpTestServers.await("the sampling tool", Duration.ofSeconds(30),
                    () -> on.toolNames().get("everything").contains("mcp__everything__trigger-sampling-request"));
            run.model.replyToolUse("mcp__everything__trigger-sampling-request",
                    Json.object().put("prompt", "write a haiku").put("maxTokens", 50)).replyText("ok");

            OutputChunk.ToolEnd end = toolEnds(run.turn("sample")).getFirst();

            assertThat(end.isError()).as(text(end)).isFalse();
            assertThat(text(end)).contains("a haiku about tests");
            assertThat(sampled.lastRequest().orElseThrow().messages().toString()).contains("write a haiku");
            // Without the operator's consent the capability is not declared, so the server offers no such tool
            // (checked once its list_changed has arrived: the elicitation tool is there).
            McpTestServers.await("the plain server's late tools", Duration.ofSeconds(30),
                    () -> off.toolNames().get("plain").contains("mcp__plain__trigger-elicitation-request"));
            assertThat(off.toolNames().get("plain")).doesNotContain("mcp__plain__trigger-sampling-request");
        }
    }
}
