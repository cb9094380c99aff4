package dev.picrust.examples;

import dev.picrust.agent.AgentConfig;
import dev.picrust.json.Json;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputChunkJson;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.ScriptedModel;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.schema.AnnotatedTools;
import dev.picrust.tool.schema.Param;
import dev.picrust.tool.schema.ToolMethod;
import java.nio.file.Files;

/** A custom tool in a few lines: annotate a method, register the object, and the model can call it. */
public final class CustomToolExample {

    // ---- the whole custom tool (the schema is generated from the parameters)
    public static class Invoices {
        @ToolMethod(description = "Total of the open invoices of a customer, in euros", readOnly = true)
        public double openTotal(@Param(description = "Customer id, e.g. C-42") String customer) {
            return customer.equals("C-42") ? 1250.50 : 0.0;
        }
    }
    // ---- end of the custom tool

    public static String run() throws Exception {
        ScriptedModel model = new ScriptedModel()          // stands in for a real LLM
                .replyToolUse("openTotal", Json.object().put("customer", "C-42"))
                .replyText("Customer C-42 owes 1250.50 EUR.");
        AgentConfig config = AgentConfig.builder(model)
                .tools(new ToolRegistry().registerAll(AnnotatedTools.from(new Invoices())))
                .build();
        StringBuilder transcript = new StringBuilder();
        try (AgentRuntime runtime = new AgentRuntime(SessionStore.at(Files.createTempDirectory("example-")))) {
            var agent = runtime.spawn(config);
            var out = agent.subscribe();
            agent.send("How much does C-42 owe?");
            for (var c = out.next(); c.isPresent(); c = out.next()) {
                switch (c.get()) {
                    case OutputChunk.ToolEnd end -> transcript.append("[").append(end.name()).append(" -> ")
                            .append(OutputChunkJson.contentText(end.content())).append("]\n");
                    case OutputChunk.TextDelta text -> transcript.append(text.text());
                    case OutputChunk.Done done -> { return transcript.toString(); }
                    default -> { }
                }
            }
        }
        return transcript.toString();
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
