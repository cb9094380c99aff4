package dev.picrust.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.Message;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.Usage;
import dev.picrust.permission.PermissionMode;
import dev.picrust.tool.ToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HookInputTest {
    static final HookContext CTX = new HookContext("sess", "coder", Path.of("/work"), PermissionMode.PLAN);

    @Test
    void everyInputCarriesTheCommonFields() {
        ObjectNode json = new HookInput.SessionEnd(CTX, HookInput.SessionEndReason.SHUTDOWN).toJson();
        assertThat(json.path("hook_event_name").asText()).isEqualTo("SessionEnd");
        assertThat(json.path("session_id").asText()).isEqualTo("sess");
        assertThat(json.path("agent_type").asText()).isEqualTo("coder");
        assertThat(json.path("cwd").asText()).isEqualTo("/work");
        assertThat(json.path("permission_mode").asText()).isEqualTo("plan");
        assertThat(json.path("reason").asText()).isEqualTo("shutdown");
    }

    @Test
    void toolEventsCarryToolData() {
        JsonNode input = Json.object().put("command", "make");
        JsonNode post = new HookInput.PostToolUse(CTX, "Bash", input, "t1", ToolResult.text("built"),
                Duration.ofMillis(42)).toJson();
        assertThat(post.path("tool_name").asText()).isEqualTo("Bash");
        assertThat(post.path("tool_input").path("command").asText()).isEqualTo("make");
        assertThat(post.path("tool_use_id").asText()).isEqualTo("t1");
        assertThat(post.path("tool_response").path("content").get(0).path("text").asText()).isEqualTo("built");
        assertThat(post.path("tool_response").path("is_error").asBoolean()).isFalse();
        assertThat(post.path("duration_ms").asLong()).isEqualTo(42);

        JsonNode failure = new HookInput.PostToolUseFailure(CTX, "Bash", input, "t1", ToolResult.error("exit 2"),
                Duration.ZERO).toJson();
        assertThat(failure.path("error").asText()).isEqualTo("exit 2");
        assertThat(failure.path("hook_event_name").asText()).isEqualTo("PostToolUseFailure");

        JsonNode error = new HookInput.ToolError(CTX, "Bash", input, "t1", HookInput.ToolErrorKind.KILLED,
                "killed by an interrupt", Duration.ofSeconds(120)).toJson();
        assertThat(error.path("error_kind").asText()).isEqualTo("killed");
        assertThat(error.path("error").asText()).isEqualTo("killed by an interrupt");
    }

    @Test
    void llmEventsCarryRequestAndResponseWithUsage() {
        LlmRequest request = LlmRequest.of("claude-x", List.of(Message.user("hi")), 100)
                .withSystem(List.of(new TextBlock("be brief")))
                .withTools(List.of(new ToolDefinition("Read", "reads", Json.object())));
        JsonNode pre = new HookInput.PreLlmCall(CTX, request, 2).toJson();
        assertThat(pre.path("iteration").asInt()).isEqualTo(2);
        assertThat(pre.path("request").path("model").asText()).isEqualTo("claude-x");
        assertThat(pre.path("request").path("tools").get(0).asText()).isEqualTo("Read");
        assertThat(pre.path("request").path("messages").get(0).path("role").asText()).isEqualTo("user");

        LlmResponse response = new LlmResponse("msg_1", "claude-x", List.of(new TextBlock("hello")),
                StopReason.END_TURN, new Usage(10, 5, 7, 3));
        JsonNode post = new HookInput.PostLlmCall(CTX, request, response, Duration.ofMillis(5), 2).toJson();
        assertThat(post.path("response").path("usage").path("cache_read_input_tokens").asLong()).isEqualTo(7);
        assertThat(post.path("response").path("usage").path("cache_creation_input_tokens").asLong()).isEqualTo(3);
        assertThat(post.path("response").path("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void lifecycleEventsAndTheirMatchTargets() {
        assertThat(new HookInput.Stop(CTX, StopReason.END_TURN, "all done", true).toJson().path("stop_hook_active")
                .asBoolean()).isTrue();
        assertThat(new HookInput.SessionStart(CTX, HookInput.SessionStartSource.RESUME).matchTarget()).contains("resume");
        HookInput.SubagentStart sub = new HookInput.SubagentStart(CTX, "child-1", "researcher", "look it up");
        assertThat(sub.matchTarget()).contains("researcher");
        assertThat(sub.toJson().path("agent_id").asText()).isEqualTo("child-1");
        assertThat(new HookInput.SubagentStop(CTX, "child-1", "researcher", "found", false).toJson()
                .path("last_assistant_message").asText()).isEqualTo("found");
        assertThat(new HookInput.PostAssistantResponse(CTX, Message.assistant("x"), StopReason.TOOL_USE).toJson()
                .path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(new HookInput.UserPromptSubmit(CTX, "p").matchTarget()).isEmpty();
    }

    @Test
    void everyEventHasAUniqueWireNameThatRoundTrips() {
        for (HookEvent e : HookEvent.values()) {
            assertThat(HookEvent.fromWire(e.wireName())).contains(e);
        }
        assertThat(HookEvent.PRE_TOOL_USE.defaultFailurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
        assertThat(HookEvent.POST_TOOL_USE.defaultFailurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
        assertThat(HookEvent.values()).hasSize(15);
        assertThat(HookEvent.fromWire("PreCompact")).contains(HookEvent.PRE_COMPACT);
        assertThat(new HookInput.PreCompact(CTX, HookInput.CompactTrigger.MANUAL, java.util.Optional.of("keep the API"))
                .toJson().path("custom_instructions").asText()).isEqualTo("keep the API");
        assertThat(new HookInput.PostCompact(CTX, HookInput.CompactTrigger.AUTO, "the summary").toJson()
                .path("compact_summary").asText()).isEqualTo("the summary");
        assertThat(new HookInput.PostCompact(CTX, HookInput.CompactTrigger.OVERFLOW, "s").matchTarget()).contains("overflow");
    }

    @Test
    void toolInputCannotBeChangedBehindTheLoopsBack() {
        ObjectNode input = Json.object().put("command", "ls");
        HookInput.PreToolUse pre = new HookInput.PreToolUse(CTX, "Bash", input, "t");
        ((ObjectNode) pre.toolInput()).put("command", "rm -rf /");
        input.put("command", "changed");
        assertThat(pre.toolInput().path("command").asText()).isEqualTo("ls");
    }
}
