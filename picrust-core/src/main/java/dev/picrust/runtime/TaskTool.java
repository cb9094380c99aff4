package dev.picrust.runtime;

import dev.picrust.agent.SubagentSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The model's way to start a subagent: {@code {"description": "...", "prompt": "...",
 * "subagent_type": "..."}}. The result is the child's final answer, or an error result saying how
 * it failed, timed out or was stopped (with whatever it said last). Consecutive Task calls run in
 * parallel; the executor returns their results in call order.
 *
 * <p>The runtime adds this tool to every agent whose {@code AgentConfig.subagents()} is not empty.
 */
public final class TaskTool implements Tool {
    public static final String NAME = "Task";

    private final Subagents subagents;
    private final List<SubagentSpec> specs;

    /** @param specs the subagent types offered; the first is the default */
    public TaskTool(Subagents subagents, List<SubagentSpec> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("the Task tool needs at least one subagent type");
        }
        this.subagents = subagents;
        this.specs = List.copyOf(specs);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        String types = specs.stream().map(s -> "- " + s.name() + ": " + s.description())
                .collect(Collectors.joining("\n"));
        return "Launches a subagent: a separate agent with its own context, instructions and tools that works "
                + "on one self-contained task and returns its final report as this tool's result. The subagent "
                + "sees nothing of this conversation except the prompt, so make the prompt a complete brief and "
                + "say what the report must contain. Several Task calls in one message run in parallel.\n\n"
                + "Available subagent types:\n" + types;
    }

    @Override
    public JsonNode inputSchema() {
        ObjectNode schema = Json.object().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("description").put("type", "string")
                .put("description", "A short (3-5 word) label for the task");
        properties.putObject("prompt").put("type", "string")
                .put("description", "The complete task for the subagent");
        ObjectNode type = properties.putObject("subagent_type").put("type", "string")
                .put("description", "Which subagent to use (default: " + specs.getFirst().name() + ")")
                .put("default", specs.getFirst().name());
        specs.forEach(s -> type.withArray("enum").add(s.name()));
        schema.putArray("required").add("description").add("prompt");
        schema.put("additionalProperties", false);
        return schema;
    }

    /** A call without {@code subagent_type} starts the first (default) type; rules see that type named. */
    @Override
    public JsonNode effectiveInput(JsonNode input) {
        if (input instanceof ObjectNode object && (!object.hasNonNull("subagent_type"))) {
            return object.deepCopy().put("subagent_type", specs.getFirst().name());
        }
        return input;
    }

    /** Starting a child has no effect of its own; what the child does is checked by its own gate. */
    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public boolean concurrencySafe() {
        return true;
    }

    @Override
    public ToolResult execute(JsonNode input, ToolContext context) throws ToolException {
        String prompt = input.path("prompt").asText("");
        if (prompt.isBlank()) {
            throw new ToolException("Task needs a non-empty 'prompt': the complete task for the subagent");
        }
        String type = input.path("subagent_type").asText(specs.getFirst().name());
        SubagentSpec spec = find(type).orElseThrow(() -> new ToolException("Unknown subagent_type '" + type
                + "'. Available: " + specs.stream().map(SubagentSpec::name).collect(Collectors.joining(", "))));
        String description = input.path("description").asText("");
        SubagentResult result;
        try {
            result = subagents.run(context, spec, description.isBlank() ? spec.name() : description, prompt);
        } catch (IllegalStateException e) {
            throw new ToolException("Task cannot start a subagent here: " + e.getMessage());
        }
        return toToolResult(result);
    }

    private Optional<SubagentSpec> find(String name) {
        return specs.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    static ToolResult toToolResult(SubagentResult result) {
        if (result.completed()) {
            return ToolResult.text(result.text().isBlank()
                    ? "(the subagent finished without a final message)"
                    : result.text());
        }
        StringBuilder message = new StringBuilder("Subagent '").append(result.subagentType())
                .append("' (session ").append(result.sessionId()).append(") ").append(result.detail()).append('.');
        if (!result.text().isBlank()) {
            message.append("\nIts last output:\n").append(result.text());
        }
        return ToolResult.error(message.toString());
    }
}
