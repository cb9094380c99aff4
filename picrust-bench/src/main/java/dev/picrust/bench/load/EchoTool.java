package dev.picrust.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolResult;

/**
 * The load run's tool: a cheap, real tool that goes through the normal executor (gate, permission
 * record, output chunks) and reports how long its own body took, so that time can be taken out of
 * the framework's added latency.
 *
 * <p>Read-only by default. With {@code -Dpicrust.bench.toolWrites=true} it says it writes (while
 * doing the same), so every step takes the path of a tool with effects: an allow rule lets it run,
 * and the model's call and its result are each durable before the loop goes on (two journal commit
 * waits per step instead of none).
 */
final class EchoTool implements Tool {
    static final String NAME = "echo";
    static final boolean WRITES = Boolean.getBoolean("picrust.bench.toolWrites");

    private final TimingRegistry timings;
    private final boolean writes;
    private final JsonNode schema = Json.object().put("type", "object")
            .set("properties", Json.object().set("step", Json.object().put("type", "integer")));

    EchoTool(TimingRegistry timings, boolean writes) {
        this.timings = timings;
        this.writes = writes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Echoes the step number back.";
    }

    @Override
    public JsonNode inputSchema() {
        return schema;
    }

    @Override
    public boolean readOnly() {
        return !writes;
    }

    @Override
    public ToolResult execute(JsonNode input, ToolContext context) {
        long start = System.nanoTime();
        ToolResult result = ToolResult.text("step " + input.path("step").asInt() + " done");
        timings.current().toolRan(System.nanoTime() - start);
        return result;
    }
}
