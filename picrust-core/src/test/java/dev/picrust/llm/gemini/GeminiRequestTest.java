package dev.picrust.llm.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.picrust.json.Json;
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

class GeminiRequestTest {

    private static LlmRequest request(List<Message> messages, List<ToolDefinition> tools) {
        return new LlmRequest("gemini-2.5-flash", List.of(new TextBlock("Be brief.")), messages, tools, 900,
                Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void functionCallsAndResponsesCarryTheFunctionNameAndSignatures() {
        ToolUseBlock call = new ToolUseBlock("call_abc", "Read", Json.object().put("file_path", "a.txt"),
                Map.of(GeminiRequest.SIGNATURE, TextNode.valueOf("sig-1")));
        List<Message> history = List.of(Message.user("read it"),
                Message.assistant(List.of(new ThinkingBlock("plan", "sig-0"), call)),
                Message.user(List.of(ToolResultBlock.text("call_abc", "hello", false),
                        ToolResultBlock.text("call_zzz", "boom", true))));
        JsonNode body = GeminiRequest.toJson(request(history, List.of()), "gemini-2.5-flash");

        JsonNode contents = body.path("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.get(0).path("role").asText()).isEqualTo("user");
        JsonNode model = contents.get(1);
        assertThat(model.path("role").asText()).isEqualTo("model");
        assertThat(model.path("parts").get(0)).isEqualTo(Json.object().put("text", "plan").put("thought", true)
                .put("thoughtSignature", "sig-0"));
        JsonNode callPart = model.path("parts").get(1);
        assertThat(callPart.path("functionCall").path("name").asText()).isEqualTo("Read");
        assertThat(callPart.path("functionCall").path("args").path("file_path").asText()).isEqualTo("a.txt");
        assertThat(callPart.path("thoughtSignature").asText()).isEqualTo("sig-1");
        JsonNode responses = contents.get(2).path("parts");
        assertThat(responses.get(0).path("functionResponse").path("name").asText()).isEqualTo("Read");
        assertThat(responses.get(0).path("functionResponse").path("response").path("result").asText()).isEqualTo("hello");
        assertThat(responses.get(1).path("functionResponse").path("response").path("error").asText()).isEqualTo("boom");
        assertThat(body.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(body.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(900);
    }

    @Test
    void thinkingBudgetOrLevelByModel() {
        LlmRequest thinking = request(List.of(Message.user("x")), List.of()).withThinking(Optional.of(new ThinkingConfig(4096)));
        JsonNode budget = GeminiRequest.toJson(thinking, "gemini-2.5-pro").path("generationConfig").path("thinkingConfig");
        assertThat(budget.path("thinkingBudget").asInt()).isEqualTo(4096);
        assertThat(budget.path("includeThoughts").asBoolean()).isTrue();
        JsonNode level = GeminiRequest.toJson(thinking, "gemini-3-pro-preview").path("generationConfig").path("thinkingConfig");
        assertThat(level.path("thinkingLevel").asText()).isEqualTo("high");
        assertThat(level.has("thinkingBudget")).isFalse();
    }

    @Test
    void schemasAreCleanedOfWhatGeminiRejectsButKeepPropertiesWithReservedNames() throws Exception {
        JsonNode schema = Json.parse("""
                {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,
                 "properties":{
                   "default":{"type":"string","description":"a property called default","default":"x"},
                   "url":{"type":"string","format":"uri"},
                   "when":{"type":"string","format":"date-time"},
                   "mode":{"const":"fast"},
                   "size":{"type":["integer","null"],"minimum":0},
                   "kind":{"oneOf":[{"type":"string"},{"type":"number"}]},
                   "item":{"$ref":"#/$defs/Item"}},
                 "required":["default","missing"],
                 "$defs":{"Item":{"type":"object","properties":{"name":{"type":"string"}},"additionalProperties":false}}}""");
        ObjectNode cleaned = GeminiSchema.parameters(schema).orElseThrow();
        String text = cleaned.toString();
        assertThat(text).doesNotContain("$schema").doesNotContain("additionalProperties").doesNotContain("$ref")
                .doesNotContain("$defs").doesNotContain("\"const\"").doesNotContain("uri");
        JsonNode properties = cleaned.path("properties");
        assertThat(properties.has("default")).as("property named default kept").isTrue();
        assertThat(properties.path("default").has("default")).as("keyword default dropped").isFalse();
        assertThat(properties.path("when").path("format").asText()).isEqualTo("date-time");
        assertThat(properties.path("mode").path("enum").get(0).asText()).isEqualTo("fast");
        assertThat(properties.path("size").path("type").asText()).isEqualTo("integer");
        assertThat(properties.path("size").path("nullable").asBoolean()).isTrue();
        assertThat(properties.path("kind").path("anyOf")).hasSize(2);
        assertThat(properties.path("item").path("properties").path("name").path("type").asText()).isEqualTo("string");
        assertThat(cleaned.path("required")).containsExactly(TextNode.valueOf("default"));
    }

    @Test
    void aToolWithoutParametersSendsNone() {
        ToolDefinition noArgs = new ToolDefinition("Now", "The time",
                Json.object().put("type", "object").set("properties", Json.object()));
        JsonNode declaration = GeminiRequest.toJson(request(List.of(Message.user("x")), List.of(noArgs)), "m")
                .path("tools").get(0).path("functionDeclarations").get(0);
        assertThat(declaration.path("name").asText()).isEqualTo("Now");
        assertThat(declaration.has("parameters")).isFalse();
    }

    @Test
    void imagesTravelInlineAndUrlsAreAClearError() {
        JsonNode parts = GeminiRequest.toJson(request(List.of(Message.user(List.of(new TextBlock("see"),
                new ImageBlock(new MediaSource.Base64("image/png", "AAAA"))))), List.of()), "m")
                .path("contents").get(0).path("parts");
        assertThat(parts.get(1).path("inlineData").path("mimeType").asText()).isEqualTo("image/png");
        assertThatThrownBy(() -> GeminiRequest.toJson(request(List.of(Message.user(List.of(
                new ImageBlock(new MediaSource.Url("https://example.com/a.png"))))), List.of()), "m"))
                .isInstanceOf(LlmException.class).hasMessageContaining("by URL");
    }
}
