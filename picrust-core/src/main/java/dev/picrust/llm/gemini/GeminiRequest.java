package dev.picrust.llm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.DocumentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.MediaSource;
import dev.picrust.llm.Message;
import dev.picrust.llm.RedactedThinkingBlock;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.UnknownBlock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON body of {@code generateContent} / {@code streamGenerateContent} for an {@link LlmRequest}.
 *
 * <p>Roles become {@code user} and {@code model}; system blocks become {@code systemInstruction}.
 * A tool call is a {@code functionCall} part carrying the thought signature Gemini gave it (kept in
 * the block's extras as {@value #SIGNATURE}, sent back on the same part, as Gemini requires); a
 * result is a {@code functionResponse} part named after the function its call used (looked up by
 * call id in the request's history, since Gemini matches responses by name and order, not id),
 * placed before anything else in its turn. Images and PDFs travel as {@code inlineData}; media by URL
 * is a clear error (Gemini does not fetch arbitrary URLs). Thinking goes back as a {@code thought}
 * part with its signature. Tool schemas are cleaned ({@link GeminiSchema}).
 */
final class GeminiRequest {
    /** The extras key under which a block keeps Gemini's {@code thoughtSignature}. */
    static final String SIGNATURE = "thoughtSignature";

    private GeminiRequest() {}

    static ObjectNode toJson(LlmRequest request, String model) {
        ObjectNode body = Json.object();
        Map<String, String> callNames = callNames(request.messages());
        ArrayNode contents = body.putArray("contents");
        for (Message message : request.messages()) {
            ArrayNode parts = parts(message, callNames);
            if (parts.isEmpty()) {
                continue;
            }
            String role = switch (message.role()) {
                case USER -> "user";
                case ASSISTANT -> "model";
            };
            JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
            if (last != null && last.path("role").asText().equals(role)) {
                ((ArrayNode) last.get("parts")).addAll(parts);
            } else {
                ObjectNode content = contents.addObject().put("role", role);
                content.set("parts", parts);
            }
        }
        if (!request.system().isEmpty()) {
            ArrayNode parts = body.putObject("systemInstruction").putArray("parts");
            request.system().forEach(block -> parts.addObject().put("text", block.text()));
        }
        if (!request.tools().isEmpty()) {
            ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (ToolDefinition tool : request.tools()) {
                ObjectNode declaration = declarations.addObject().put("name", tool.name());
                if (!tool.description().isEmpty()) {
                    declaration.put("description", tool.description());
                }
                GeminiSchema.parameters(tool.inputSchema()).ifPresent(p -> declaration.set("parameters", p));
            }
        }
        ObjectNode generation = body.putObject("generationConfig");
        generation.put("maxOutputTokens", request.maxTokens());
        request.temperature().ifPresent(t -> generation.put("temperature", t));
        request.thinking().ifPresent(thinking -> {
            ObjectNode config = generation.putObject("thinkingConfig");
            if (model.startsWith("gemini-3")) {
                // Gemini 3 thinks in levels; a budget picks the nearest one.
                config.put("thinkingLevel", thinking.budgetTokens() <= 2048 ? "low" : "high");
            } else {
                config.put("thinkingBudget", thinking.budgetTokens());
            }
            config.put("includeThoughts", true);
        });
        request.extraBody().forEach((name, value) -> body.set(name, value.deepCopy()));
        return body;
    }

    private static Map<String, String> callNames(List<Message> messages) {
        Map<String, String> names = new HashMap<>();
        for (Message message : messages) {
            message.toolUses().forEach(call -> names.put(call.id(), call.name()));
        }
        return names;
    }

    private static ArrayNode parts(Message message, Map<String, String> callNames) {
        ArrayNode parts = Json.array();
        // Function responses first: Gemini expects them right after the turn that called.
        for (ContentBlock block : message.content()) {
            if (block instanceof ToolResultBlock result) {
                ObjectNode response = parts.addObject().putObject("functionResponse");
                response.put("name", callNames.getOrDefault(result.toolUseId(), "unknown_function"));
                response.putObject("response").put(result.isError() ? "error" : "result",
                        result.text().isEmpty() && result.content().isEmpty() ? "No output" : result.text());
            }
        }
        for (ContentBlock block : message.content()) {
            if (block instanceof ToolResultBlock result) {
                for (ContentBlock inner : result.content()) {
                    if (inner instanceof ImageBlock || inner instanceof DocumentBlock) {
                        parts.add(mediaPart(inner));
                    }
                }
            }
        }
        for (ContentBlock block : message.content()) {
            switch (block) {
                case TextBlock text -> {
                    Optional<String> signature = signature(text);
                    if (!text.text().isEmpty() || signature.isPresent()) {
                        ObjectNode part = parts.addObject().put("text", text.text());
                        signature.ifPresent(s -> part.put(SIGNATURE, s));
                    }
                }
                case ThinkingBlock thinking -> {
                    if (!thinking.thinking().isEmpty() || !thinking.signature().isEmpty()) {
                        ObjectNode part = parts.addObject().put("text", thinking.thinking()).put("thought", true);
                        if (!thinking.signature().isEmpty()) {
                            part.put(SIGNATURE, thinking.signature());
                        }
                    }
                }
                case ToolUseBlock call -> {
                    ObjectNode part = parts.addObject();
                    ObjectNode functionCall = part.putObject("functionCall").put("name", call.name());
                    functionCall.set("args", call.input().deepCopy());
                    signature(call).ifPresent(s -> part.put(SIGNATURE, s));
                }
                case ImageBlock image -> parts.add(mediaPart(image));
                case DocumentBlock document -> parts.add(mediaPart(document));
                case ToolResultBlock result -> { }
                case RedactedThinkingBlock redacted -> { }
                case UnknownBlock unknown -> { }
            }
        }
        return parts;
    }

    private static Optional<String> signature(ContentBlock block) {
        JsonNode value = block.extras().get(SIGNATURE);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText())
                : Optional.empty();
    }

    private static ObjectNode mediaPart(ContentBlock block) {
        MediaSource source = switch (block) {
            case ImageBlock image -> image.source();
            case DocumentBlock document -> document.source();
            default -> throw new IllegalArgumentException("not media: " + block.type());
        };
        return switch (source) {
            case MediaSource.Base64 b -> {
                ObjectNode part = Json.object();
                part.putObject("inlineData").put("mimeType", b.mediaType()).put("data", b.data());
                yield part;
            }
            case MediaSource.Raw raw when raw.json().path("type").asText().equals("text")
                    && raw.json().path("data").isTextual() -> Json.object().put("text", raw.json().path("data").asText());
            case MediaSource.Url url -> throw new LlmException(LlmException.Kind.INVALID_REQUEST,
                    "Gemini cannot take a " + block.type() + " by URL (" + url.url() + "); send its bytes as base64");
            case MediaSource.Raw raw -> throw new LlmException(LlmException.Kind.INVALID_REQUEST,
                    "Gemini cannot take a " + block.type() + " with source " + raw.json().path("type").asText("?"));
        };
    }
}
