package dev.picrust.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolResult;

/**
 * The load run's tool: a cheap, real, read-only tool that goes through the normal executor (gate,
 * permission record, output chunks) and reports how long its own body took, so that time can be
 * taken out of the framework's added latency.
 */
final class EchoTool implements Tool {
    static final String NAME = "echo";

    private final TimingRegistry timings;
    private final JsonNode schema = Json.object().put("type", "object")
            .set("properties", Json.object().set("step", Json.object().put("type", "integer")));

    EchoTool(TimingRegistry timings) {
        this.timings = timings;
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
        return true;
    }

    @Override
    public ToolResult execute(JsonNode input, ToolContext context) {
        long start = System.nanoTime();
        ToolResult result = ToolResult.text("step " + input.path("step").asInt() + " done");
        timings.current().toolRan(System.nanoTime() - start);
        return result;
    }
}
