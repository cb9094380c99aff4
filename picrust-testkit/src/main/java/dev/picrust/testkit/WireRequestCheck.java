package dev.picrust.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a recorded request against the rules its API enforces on conversation structure (the ones
 * a real service answers with 400), so a test against {@link MockLlmServer} fails where the real
 * service would. Not a full schema validation: it checks roles, that every tool result answers a
 * call of the turn right before it (by id, or by function name for Gemini), that every call is
 * answered, and the fields each format requires.
 */
public final class WireRequestCheck {
    private WireRequestCheck() {}

    /** What is wrong with the request; empty when nothing is. */
    public static List<String> problems(RecordedRequest request) {
        return switch (request.wireFormat()) {
            case ANTHROPIC -> anthropic(request.body());
            case OPENAI_CHAT -> openAi(request.body());
            case GEMINI -> gemini(request.body());
        };
    }

    private static List<String> anthropic(JsonNode body) {
        List<String> problems = new ArrayList<>();
        require(body, "model", problems);
        require(body, "max_tokens", problems);
        Set<String> open = new HashSet<>();
        String previousRole = "";
        int i = 0;
        for (JsonNode message : body.path("messages")) {
            String role = message.path("role").asText();
            if (!role.equals("user") && !role.equals("assistant")) {
                problems.add("messages[" + i + "]: role " + role);
            }
            Set<String> calls = new HashSet<>();
            for (JsonNode block : blocks(message.path("content"))) {
                String type = block.path("type").asText();
                switch (type) {
                    case "tool_use" -> calls.add(block.path("id").asText());
                    case "tool_result" -> {
                        if (!open.remove(block.path("tool_use_id").asText())) {
                            problems.add("messages[" + i + "]: tool_result " + block.path("tool_use_id").asText()
                                    + " answers no tool_use of the previous message");
                        }
                    }
                    case "text" -> {
                        if (block.path("text").asText().isEmpty()) {
                            problems.add("messages[" + i + "]: empty text block");
                        }
                    }
                    case "thinking" -> {
                        if (block.path("signature").asText().isEmpty()) {
                            problems.add("messages[" + i + "]: thinking block without a signature");
                        }
                    }
                    default -> { }
                }
                block.fieldNames().forEachRemaining(name -> {
                    if (name.equals("thoughtSignature")) {
                        problems.add("block field thoughtSignature is not part of the Anthropic API");
                    }
                });
            }
            if (role.equals("user") && !open.isEmpty()) {
                problems.add("messages[" + i + "]: tool_use without tool_result: " + open);
            }
            if (role.equals("assistant") && !open.isEmpty()) {
                problems.add("messages[" + i + "]: previous tool_use unanswered: " + open);
            }
            open.clear();
            open.addAll(calls);
            previousRole = role;
            i++;
        }
        if (!previousRole.equals("user")) {
            problems.add("last message is not from the user");
        }
        return problems;
    }

    private static List<String> openAi(JsonNode body) {
        List<String> problems = new ArrayList<>();
        require(body, "model", problems);
        Set<String> open = new HashSet<>();
        int i = 0;
        for (JsonNode message : body.path("messages")) {
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer", "user" -> {
                    if (!open.isEmpty()) {
                        problems.add("messages[" + i + "]: " + role + " message before the results of " + open);
                    }
                    if (!message.has("content")) {
                        problems.add("messages[" + i + "]: no content");
                    }
                }
                case "assistant" -> {
                    if (!open.isEmpty()) {
                        problems.add("messages[" + i + "]: assistant message before the results of " + open);
                    }
                    for (JsonNode call : message.path("tool_calls")) {
                        if (!call.path("function").path("arguments").isTextual()) {
                            problems.add("messages[" + i + "]: tool call arguments must be a JSON string");
                        }
                        if (!open.add(call.path("id").asText())) {
                            problems.add("messages[" + i + "]: duplicate tool call id " + call.path("id").asText());
                        }
                    }
                    if (!message.has("content") && !message.has("tool_calls")) {
                        problems.add("messages[" + i + "]: assistant message with neither content nor tool_calls");
                    }
                }
                case "tool" -> {
                    if (!open.remove(message.path("tool_call_id").asText())) {
                        problems.add("messages[" + i + "]: tool message " + message.path("tool_call_id").asText()
                                + " answers no pending tool call");
                    }
                    if (!message.path("content").isTextual()) {
                        problems.add("messages[" + i + "]: tool message content must be text");
                    }
                }
                default -> problems.add("messages[" + i + "]: role " + role);
            }
            i++;
        }
        if (!open.isEmpty()) {
            problems.add("tool calls without results: " + open);
        }
        return problems;
    }

    private static List<String> gemini(JsonNode body) {
        List<String> problems = new ArrayList<>();
        List<String> pendingNames = new ArrayList<>();
        String previousRole = "";
        int i = 0;
        for (JsonNode content : body.path("contents")) {
            String role = content.path("role").asText();
            if (!role.equals("user") && !role.equals("model")) {
                problems.add("contents[" + i + "]: role " + role);
            }
            if (role.equals(previousRole)) {
                problems.add("contents[" + i + "]: two " + role + " turns in a row");
            }
            List<String> calls = new ArrayList<>();
            List<String> responses = new ArrayList<>();
            for (JsonNode part : content.path("parts")) {
                if (part.has("functionCall")) {
                    calls.add(part.path("functionCall").path("name").asText());
                }
                if (part.has("functionResponse")) {
                    responses.add(part.path("functionResponse").path("name").asText());
                    if (!part.path("functionResponse").path("response").isObject()) {
                        problems.add("contents[" + i + "]: functionResponse.response must be an object");
                    }
                }
                if (part.size() == 0) {
                    problems.add("contents[" + i + "]: empty part");
                }
            }
            if (!pendingNames.isEmpty() && !responses.equals(pendingNames)) {
                problems.add("contents[" + i + "]: function responses " + responses + " do not answer the calls "
                        + pendingNames + " of the previous turn");
            }
            if (pendingNames.isEmpty() && !responses.isEmpty()) {
                problems.add("contents[" + i + "]: function responses " + responses + " without calls");
            }
            pendingNames = calls;
            previousRole = role;
            i++;
        }
        if (!pendingNames.isEmpty()) {
            problems.add("function calls without responses: " + pendingNames);
        }
        return problems;
    }

    private static Iterable<JsonNode> blocks(JsonNode content) {
        return content.isArray() ? content : List.of();
    }

    private static void require(JsonNode body, String field, List<String> problems) {
        if (!body.has(field)) {
            problems.add("missing " + field);
        }
    }
}
