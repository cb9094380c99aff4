package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.ToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The process {@link DurableApprovalIT} kills: an interactive agent whose tool call waits for a
 * human's approval. Prints {@code PENDING <request id>} once the request is raised, then waits.
 */
public final class DurableApprovalChild {
    static final String SESSION = "durable";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        QueueProvider provider = new QueueProvider().then(r -> new LlmResponse("m1", "m",
                List.of(new ToolUseBlock("toolu_durable", "Mutate", Json.object().put("v", "x"))),
                StopReason.TOOL_USE, Usage.ZERO));
        AgentRuntime runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")));
        AgentHandle handle = runtime.spawn(config(provider, dir), SESSION);
        Subscription sub = handle.subscribe();
        handle.send("change something");
        for (Optional<OutputChunk> c = sub.next(); c.isPresent(); c = sub.next()) {
            if (c.get() instanceof OutputChunk.PermissionRequest request) {
                System.out.println("PENDING " + request.requestId());
                System.out.flush();
            }
        }
    }

    static AgentConfig config(QueueProvider provider, Path dir) {
        return AgentConfig.builder(provider)
                .tools(new ToolRegistry().register(mutate(dir.resolve("executions.log"))))
                .interactive(true)
                .workingDirectory(dir)
                .build();
    }

    /** A tool that is not read-only, so it needs approval; each run leaves a line in {@code log}. */
    static Tool mutate(Path log) {
        return new Tool() {
            public String name() { return "Mutate"; }
            public String description() { return "changes something"; }
            public JsonNode inputSchema() { return Json.object().put("type", "object"); }
            public ToolResult execute(JsonNode input, ToolContext ctx) throws Exception {
                Files.writeString(log, "ran " + input.path("v").asText() + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return ToolResult.text("mutated " + input.path("v").asText());
            }
        };
    }
}
