package dev.picrust.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.DocumentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.MediaSource;
import dev.picrust.llm.Message;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ThinkingConfig;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatRequestTest {
    private static final OpenAiConfig OPENAI = OpenAiConfig.builder("k").build();
    private static final OpenAiConfig LOCAL = OpenAiConfig.builder("").baseUrl("http://127.0.0.1:11434/v1").build();

    private static LlmRequest request(List<Message> messages) {
        return new LlmRequest("gpt-test", List.of(new TextBlock("Be brief."), new TextBlock("Use tools.")), messages,
                List.of(new ToolDefinition("Read", "Reads a file",
                        Json.object().put("type", "object").set("properties", Json.object()))),
                500, Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void toolLoopHistoryMapsToChatMessages() {
        ObjectNode input = Json.object().put("file_path", "a.txt");
        List<Message> history = List.of(
                Message.user("read a.txt"),
                Message.assistant(List.of(new ThinkingBlock("I should read it", "sig"), new TextBlock("Reading."),
                        new ToolUseBlock("toolu_1", "Read", input))),
                Message.user(List.of(ToolResultBlock.text("toolu_1", "hello", false), new TextBlock("and be quick"))));
        JsonNode body = ChatRequest.toJson(request(history), "gpt-test", true, OPENAI);

        assertThat(body.path("model").asText()).isEqualTo("gpt-test");
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(500);
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(5);
        assertThat(messages.get(0)).isEqualTo(Json.object().put("role", "system").put("content", "Be brief.\n\nUse tools."));
        assertThat(messages.get(1)).isEqualTo(Json.object().put("role", "user").put("content", "read a.txt"));
        JsonNode assistant = messages.get(2);
        assertThat(assistant.path("content").asText()).isEqualTo("Reading.");
        assertThat(assistant.toString()).doesNotContain("I should read it");
        JsonNode call = assistant.path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("toolu_1");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("Read");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"file_path\":\"a.txt\"}");
        assertThat(messages.get(3)).isEqualTo(Json.object().put("role", "tool").put("tool_call_id", "toolu_1")
                .put("content", "hello"));
        assertThat(messages.get(4)).isEqualTo(Json.object().put("role", "user").put("content", "and be quick"));
        JsonNode tool = body.path("tools").get(0);
        assertThat(tool.path("type").asText()).isEqualTo("function");
        assertThat(tool.path("function").path("parameters").path("type").asText()).isEqualTo("object");
    }

    @Test
    void assistantWithOnlyToolCallsHasNullContentAndErrorsAreMarked() {
        JsonNode body = ChatRequest.toJson(request(List.of(Message.user("go"),
                Message.assistant(List.of(new ToolUseBlock("c1", "Read", Json.object()))),
                Message.user(List.of(ToolResultBlock.text("c1", "no such file", true))))), "m", false, LOCAL);
        JsonNode messages = body.path("messages");
        assertThat(messages.get(2).get("content").isNull()).isTrue();
        assertThat(messages.get(3).path("content").asText()).isEqualTo("Error: no such file");
        assertThat(body.has("stream")).isFalse();
        assertThat(body.has("stream_options")).isFalse();
        assertThat(body.path("max_tokens").asInt()).as("compatible servers get max_tokens").isEqualTo(500);
    }

    @Test
    void imagesBecomeDataUrlsAndPdfsFileParts() {
        List<ContentBlock> content = List.of(new TextBlock("What is this?"),
                new ImageBlock(new MediaSource.Base64("image/png", "iVBORw0KGgo=")),
                new ImageBlock(new MediaSource.Url("https://example.com/cat.jpg")),
                new DocumentBlock(new MediaSource.Base64("application/pdf", "JVBERi0=")));
        JsonNode parts = ChatRequest.toJson(request(List.of(Message.user(content))), "m", false, OPENAI)
                .path("messages").get(1).path("content");
        assertThat(parts).hasSize(4);
        assertThat(parts.get(1).path("image_url").path("url").asText()).isEqualTo("data:image/png;base64,iVBORw0KGgo=");
        assertThat(parts.get(2).path("image_url").path("url").asText()).isEqualTo("https://example.com/cat.jpg");
        assertThat(parts.get(3).path("type").asText()).isEqualTo("file");
        assertThat(parts.get(3).path("file").path("file_data").asText()).isEqualTo("data:application/pdf;base64,JVBERi0=");
    }

    @Test
    void imagesInAToolResultFollowInAUserMessage() {
        JsonNode body = ChatRequest.toJson(request(List.of(Message.user("shot"),
                Message.assistant(List.of(new ToolUseBlock("c1", "Screenshot", Json.object()))),
                Message.user(List.of(new ToolResultBlock("c1", List.of(new TextBlock("taken"),
                        new ImageBlock(new MediaSource.Base64("image/png", "AAAA"))), false))))), "m", false, OPENAI);
        JsonNode messages = body.path("messages");
        assertThat(messages.get(3).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(3).path("content").asText()).startsWith("taken");
        JsonNode follow = messages.get(4);
        assertThat(follow.path("role").asText()).isEqualTo("user");
        assertThat(follow.path("content").get(0).path("text").asText()).contains("c1");
        assertThat(follow.path("content").get(1).path("image_url").path("url").asText()).isEqualTo("data:image/png;base64,AAAA");
    }

    @Test
    void documentWithNoChatFormIsAClearError() {
        Message message = Message.user(List.of(new DocumentBlock(new MediaSource.Url("https://example.com/a.pdf"))));
        assertThatThrownBy(() -> ChatRequest.toJson(request(List.of(message)), "m", false, OPENAI))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("document").contains("URL");
                });
    }

    @Test
    void plainTextDocumentsTravelAsText() {
        ObjectNode source = Json.object().put("type", "text").put("media_type", "text/plain").put("data", "notes");
        JsonNode body = ChatRequest.toJson(request(List.of(Message.user(List.of(
                new DocumentBlock(new MediaSource.Raw(source)))))), "m", false, OPENAI);
        assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("notes");
    }

    @Test
    void thinkingBudgetBecomesAnEffortAndStreamUsageCanBeTurnedOff() {
        OpenAiConfig noUsage = OPENAI.toBuilder().streamUsage(false).build();
        JsonNode body = ChatRequest.toJson(request(List.of(Message.user("x"))).withThinking(Optional.of(new ThinkingConfig(4000))),
                "m", true, noUsage);
        assertThat(body.path("reasoning_effort").asText()).isEqualTo("medium");
        assertThat(body.has("stream_options")).isFalse();
        assertThat(ChatRequest.effort(1024)).isEqualTo("low");
        assertThat(ChatRequest.effort(20000)).isEqualTo("high");
    }
}
