package dev.picrust.tool.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.event.OutputChunk;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolResult;

/**
 * TodoWrite {@code {todos: [{content, status, activeForm}]}}: replaces the agent's task list. The
 * list is kept in the session's durable state under {@link #STATE_KEY} (so it survives resume) and
 * announced as a {@code todo_update} chunk.
 */
final class TodoWriteTool extends BuiltinTool {
    /** The session state key holding the current list (a JSON array of {content, status, activeForm}). */
    public static final String STATE_KEY = "todos";

    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "todos": {
                  "type": "array",
                  "description": "The updated todo list (replaces the previous one)",
                  "items": {
                    "type": "object",
                    "properties": {
                      "content": {"type": "string", "minLength": 1, "description": "What needs doing, in imperative form, e.g. \\"Run the tests\\""},
                      "status": {"type": "string", "enum": ["pending", "in_progress", "completed"]},
                      "activeForm": {"type": "string", "minLength": 1, "description": "The same task in present continuous form, shown while it runs, e.g. \\"Running the tests\\""}
                    },
                    "required": ["content", "status", "activeForm"]
                  }
                }
              },
              "required": ["todos"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Creates and updates a structured task list for the current session, to track progress on multi-step work and show the user what you are doing.

            - Use it for tasks with 3 or more steps, or when the user gives several tasks. Skip it for a single trivial task.
            - Each call replaces the whole list. Statuses: pending, in_progress, completed.
            - Keep exactly one task in_progress while working; mark a task completed as soon as it is done, not in batches.
            - content is the imperative form ("Run the tests"); activeForm the continuous form ("Running the tests").""";

    public TodoWriteTool() {
        super("TodoWrite", DESCRIPTION, SCHEMA);
    }

    /** Needs no permission: it only changes the agent's own list. */
    @Override
    public boolean readOnly() {
        return true;
    }

    /** Two writes in one message must not race: the last one in call order wins. */
    @Override
    public boolean concurrencySafe() {
        return false;
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        ArrayNode todos = Json.array();
        for (JsonNode item : input.array("todos")) {
            ToolInput one = ToolInput.of(item);
            ObjectNode todo = todos.addObject();
            todo.put("content", one.string("content").strip());
            todo.put("status", one.string("status"));
            todo.put("activeForm", one.string("activeForm").strip());
        }
        context.sessionState().put(STATE_KEY, todos);
        context.emit(new OutputChunk.TodoUpdate(todos.deepCopy()));
        return ToolResult.text("Todos have been modified successfully. Keep using the todo list to track your"
                + " progress, and proceed with the current tasks.\n\n" + format(todos));
    }

    /** The list as text: one line per task with a checkbox, then a summary. */
    static String format(JsonNode todos) {
        if (todos.isEmpty()) {
            return "The todo list is now empty.";
        }
        StringBuilder out = new StringBuilder();
        int pending = 0;
        int inProgress = 0;
        int completed = 0;
        int n = 1;
        for (JsonNode todo : todos) {
            String status = todo.path("status").asText();
            String box = switch (status) {
                case "in_progress" -> "[~]";
                case "completed" -> "[x]";
                default -> "[ ]";
            };
            switch (status) {
                case "in_progress" -> inProgress++;
                case "completed" -> completed++;
                default -> pending++;
            }
            out.append(box).append(' ').append(n++).append(". ").append(todo.path("content").asText()).append('\n');
        }
        out.append("(").append(pending).append(" pending, ").append(inProgress).append(" in progress, ")
                .append(completed).append(" completed)");
        return out.toString();
    }
}
