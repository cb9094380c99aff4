package dev.picrust.llm.openai;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The JSON body of {@code POST /chat/completions} for an {@link LlmRequest}.
 *
 * <p>Our messages are Anthropic-shaped; Chat Completions wants one message per role change and
 * tool results as messages of their own. So: the system blocks become one {@code system} message;
 * a user message's tool results become {@code tool} messages (in order, first, right after the
 * assistant message that called them) and its other blocks one {@code user} message; an assistant
 * message's text becomes {@code content} and its tool calls {@code tool_calls} with the input as a
 * JSON string. Images travel as data URLs (or their URL), PDFs as {@code file} parts, plain-text
 * documents as text. Images inside a tool result cannot go in a {@code tool} message (text only),
 * so they follow in a user message that names the call. Thinking cannot be sent back through this
 * API and is left out (the history conversion for a model switch turns foreign thinking into text
 * first). A block this API has no place for is a clear {@link LlmException}, never silently lost.
 */
final class ChatRequest {
    private ChatRequest() {}

    static ObjectNode toJson(LlmRequest request, String model, boolean stream, OpenAiConfig config) {
        ObjectNode body = Json.object();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        if (!request.system().isEmpty()) {
            String system = request.system().stream().map(TextBlock::text).collect(Collectors.joining("\n\n"));
            messages.addObject().put("role", "system").put("content", system);
        }
        for (Message message : request.messages()) {
            switch (message.role()) {
                case USER -> addUser(message, messages);
                case ASSISTANT -> addAssistant(message, messages);
            }
        }
        body.put(config.maxTokensField().wire(), request.maxTokens());
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition tool : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", tool.name());
                if (!tool.description().isEmpty()) {
                    function.put("description", tool.description());
                }
                function.set("parameters", tool.inputSchema().deepCopy());
            }
        }
        request.thinking().ifPresent(t -> body.put("reasoning_effort", effort(t.budgetTokens())));
        request.temperature().ifPresent(t -> body.put("temperature", t));
        request.extraBody().forEach((name, value) -> body.set(name, value.deepCopy()));
        if (stream) {
            body.put("stream", true);
            if (config.streamUsage() && !body.has("stream_options")) {
                body.putObject("stream_options").put("include_usage", true);
            }
        } else {
            body.remove("stream");
            body.remove("stream_options");
        }
        return body;
    }

    /** Reasoning models take an effort, not a budget: the budget picks the nearest level. */
    static String effort(int budgetTokens) {
        if (budgetTokens <= 2048) {
            return "low";
        }
        return budgetTokens <= 8192 ? "medium" : "high";
    }

    private static void addUser(Message message, ArrayNode messages) {
        List<ContentBlock> rest = new ArrayList<>();
        List<ObjectNode> toolImages = new ArrayList<>();
        for (ContentBlock block : message.content()) {
            if (block instanceof ToolResultBlock result) {
                messages.add(toolMessage(result, toolImages));
            } else {
                rest.add(block);
            }
        }
        ArrayNode parts = Json.array();
        toolImages.forEach(parts::add);
        for (ContentBlock block : rest) {
            parts.add(userPart(block));
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode user = messages.addObject().put("role", "user");
        if (allText(parts)) {
            // A plain string is what every compatible server understands; content-part arrays are not universal.
            List<String> texts = new ArrayList<>();
            parts.forEach(p -> texts.add(p.path("text").asText()));
            user.put("content", String.join("\n", texts));
        } else {
            user.set("content", parts);
        }
    }

    private static ObjectNode toolMessage(ToolResultBlock result, List<ObjectNode> toolImages) {
        List<String> texts = new ArrayList<>();
        boolean imageAnnounced = false;
        for (ContentBlock block : result.content()) {
            switch (block) {
                case TextBlock text -> texts.add(text.text());
                case ImageBlock image -> {
                    if (!imageAnnounced) {
                        toolImages.add(textPart("Image(s) returned by tool call " + result.toolUseId() + ":"));
                        imageAnnounced = true;
                    }
                    toolImages.add(imagePart(image));
                    texts.add("(image attached in the next user message)");
                }
                case DocumentBlock document -> texts.add(documentText(document));
                default -> throw unsupported(block, "a tool result");
            }
        }
        String content = String.join("\n", texts);
        if (result.isError() && !content.startsWith("Error")) {
            content = "Error: " + content;
        }
        return Json.object().put("role", "tool").put("tool_call_id", result.toolUseId()).put("content", content);
    }

    private static ObjectNode userPart(ContentBlock block) {
        return switch (block) {
            case TextBlock text -> textPart(text.text());
            case ImageBlock image -> imagePart(image);
            case DocumentBlock document -> documentPart(document);
            default -> throw unsupported(block, "a user message");
        };
    }

    private static void addAssistant(Message message, ArrayNode messages) {
        List<String> texts = new ArrayList<>();
        ArrayNode calls = Json.array();
        for (ContentBlock block : message.content()) {
            switch (block) {
                case TextBlock text -> texts.add(text.text());
                case ToolUseBlock call -> {
                    ObjectNode node = calls.addObject().put("id", call.id()).put("type", "function");
                    node.putObject("function").put("name", call.name()).put("arguments", Json.write(call.input()));
                }
                case ThinkingBlock thinking -> { }
                case RedactedThinkingBlock redacted -> { }
                case UnknownBlock unknown -> { }
                default -> throw unsupported(block, "an assistant message");
            }
        }
        if (texts.isEmpty() && calls.isEmpty()) {
            return;
        }
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        if (texts.isEmpty()) {
            assistant.putNull("content");
        } else {
            assistant.put("content", String.join("\n", texts));
        }
        if (!calls.isEmpty()) {
            assistant.set("tool_calls", calls);
        }
    }

    private static ObjectNode textPart(String text) {
        return Json.object().put("type", "text").put("text", text);
    }

    private static ObjectNode imagePart(ImageBlock image) {
        String url = switch (image.source()) {
            case MediaSource.Base64 b -> "data:" + b.mediaType() + ";base64," + b.data();
            case MediaSource.Url u -> u.url();
            case MediaSource.Raw raw -> throw new LlmException(LlmException.Kind.INVALID_REQUEST,
                    "OpenAI Chat Completions cannot take an image with source " + raw.json().path("type").asText("?")
                            + " (only base64 data or a URL)");
        };
        ObjectNode part = Json.object().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    private static ObjectNode documentPart(DocumentBlock document) {
        if (document.source() instanceof MediaSource.Base64 b && b.mediaType().equals("application/pdf")) {
            ObjectNode part = Json.object().put("type", "file");
            String name = document.extras().containsKey("title") ? document.extras().get("title").asText()
                    : "document.pdf";
            part.putObject("file").put("filename", name).put("file_data", "data:application/pdf;base64," + b.data());
            return part;
        }
        return textPart(documentText(document));
    }

    /** A plain-text document's text; any other document has no text form here. */
    private static String documentText(DocumentBlock document) {
        if (document.source() instanceof MediaSource.Raw raw && raw.json().path("type").asText().equals("text")
                && raw.json().path("data").isTextual()) {
            return raw.json().path("data").asText();
        }
        if (document.source() instanceof MediaSource.Base64 b && b.mediaType().startsWith("text/")) {
            return new String(Base64.getDecoder().decode(b.data()), StandardCharsets.UTF_8);
        }
        throw new LlmException(LlmException.Kind.INVALID_REQUEST, "OpenAI Chat Completions cannot take this "
                + "document (" + describe(document.source()) + "); send PDFs as base64 data or text documents as text");
    }

    private static String describe(MediaSource source) {
        return switch (source) {
            case MediaSource.Base64 b -> "base64 " + b.mediaType();
            case MediaSource.Url u -> "a URL";
            case MediaSource.Raw r -> "source " + r.json().path("type").asText("?");
        };
    }

    private static boolean allText(ArrayNode parts) {
        for (JsonNode part : parts) {
            if (!part.path("type").asText().equals("text")) {
                return false;
            }
        }
        return true;
    }

    private static LlmException unsupported(ContentBlock block, String where) {
        return new LlmException(LlmException.Kind.INVALID_REQUEST,
                "OpenAI Chat Completions has no place for a " + block.type() + " block in " + where);
    }
}
