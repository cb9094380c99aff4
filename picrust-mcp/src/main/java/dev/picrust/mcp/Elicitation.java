package dev.picrust.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's form elicitation ({@code elicitation/create}) as questions to the agent's human, asked
 * through the tool call that triggered it ({@link ToolContext#userQuestions()}), so it is durable
 * and answered through the handle like AskUserQuestion. One question per field of the requested
 * schema: enums offer their values, booleans yes/no, the rest free text. A blank answer takes the
 * field's default (SEP-1034); fields without an answer or default are left out. Answers are
 * converted to the field's type. No one to ask (headless run, or no call of this server in flight)
 * declines; an interrupted wait cancels.
 */
final class Elicitation {
    private static final Logger LOG = LoggerFactory.getLogger(Elicitation.class);

    private Elicitation() {
    }

    static McpSchema.ElicitResult ask(String server, McpSchema.ElicitFormRequest request,
                                      java.util.Optional<ToolContext> call) {
        if (call.isEmpty() || !call.get().userQuestions().canAsk()) {
            LOG.info("MCP server '{}' asked for input but no one can answer here; declined", server);
            return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null);
        }
        ObjectNode schema = Json.mapper().valueToTree(request.requestedSchema() == null ? Map.of() : request.requestedSchema());
        JsonNode properties = schema.path("properties");
        Map<String, String> questionByField = new LinkedHashMap<>();
        ArrayNode questions = Json.array();
        for (Map.Entry<String, JsonNode> field : properties.properties()) {
            String question = question(server, request.message(), field.getKey(), field.getValue());
            questionByField.put(field.getKey(), question);
            questions.add(questionJson(question, field.getKey(), field.getValue()));
        }
        if (questions.isEmpty()) {
            // A bare confirmation: the message itself is the question.
            String question = "[" + server + "] " + request.message();
            questions.add(questionJson(question, "confirm", Json.object().put("type", "boolean")));
            questionByField.put("", question);
        }
        Map<String, String> answers;
        try {
            answers = call.get().userQuestions().ask(questions);
        } catch (ToolException e) {
            return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.CANCEL, null);
        } catch (CancellationException e) {
            return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.CANCEL, null);
        }
        if (questionByField.containsKey("")) {
            boolean yes = bool(answers.getOrDefault(questionByField.get(""), "")) == Boolean.TRUE;
            return new McpSchema.ElicitResult(yes ? McpSchema.ElicitResult.Action.ACCEPT
                    : McpSchema.ElicitResult.Action.DECLINE, yes ? Map.of() : null);
        }
        Map<String, Object> content = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : questionByField.entrySet()) {
            JsonNode fieldSchema = properties.path(e.getKey());
            String answer = answers.getOrDefault(e.getValue(), "").strip();
            Object value = answer.isEmpty() ? defaultOf(fieldSchema) : convert(answer, fieldSchema);
            if (value != null) {
                content.put(e.getKey(), value);
            }
        }
        return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, content);
    }

    private static String question(String server, String message, String field, JsonNode schema) {
        StringBuilder q = new StringBuilder("[").append(server).append("] ").append(message == null ? "" : message)
                .append(" - ").append(schema.path("title").asText(field));
        if (schema.hasNonNull("description")) {
            q.append(": ").append(schema.get("description").asText());
        }
        if (schema.has("default")) {
            q.append(" (default: ").append(schema.get("default").asText()).append(")");
        }
        return q.toString();
    }

    private static ObjectNode questionJson(String question, String field, JsonNode schema) {
        ObjectNode q = Json.object().put("question", question)
                .put("header", field.length() > 12 ? field.substring(0, 12) : field);
        ArrayNode options = q.putArray("options");
        boolean multi = "array".equals(schema.path("type").asText());
        for (String label : choices(multi ? schema.path("items") : schema)) {
            options.addObject().put("label", label).put("description", "");
        }
        q.put("multiSelect", multi);
        return q;
    }

    private static List<String> choices(JsonNode schema) {
        List<String> labels = new ArrayList<>();
        schema.path("enum").forEach(v -> labels.add(v.asText()));
        for (String key : List.of("oneOf", "anyOf")) {
            schema.path(key).forEach(v -> {
                if (v.has("const")) {
                    labels.add(v.get("const").asText());
                }
            });
        }
        if (labels.isEmpty() && "boolean".equals(schema.path("type").asText())) {
            labels.addAll(List.of("yes", "no"));
        }
        return labels;
    }

    private static Object defaultOf(JsonNode schema) {
        return schema.has("default") ? Json.mapper().convertValue(schema.get("default"), Object.class) : null;
    }

    private static Object convert(String answer, JsonNode schema) {
        try {
            return switch (schema.path("type").asText("string")) {
                case "integer" -> Long.parseLong(answer);
                case "number" -> Double.parseDouble(answer);
                case "boolean" -> {
                    Boolean b = bool(answer);
                    yield b == null ? defaultOf(schema) : b;
                }
                case "array" -> List.of(answer.split("\\s*,\\s*"));
                default -> answer;
            };
        } catch (NumberFormatException e) {
            return defaultOf(schema) != null ? defaultOf(schema) : answer;
        }
    }

    private static Boolean bool(String answer) {
        return switch (answer.strip().toLowerCase(Locale.ROOT)) {
            case "yes", "y", "true", "1", "ok", "accept" -> Boolean.TRUE;
            case "no", "n", "false", "0", "decline" -> Boolean.FALSE;
            default -> null;
        };
    }
}
