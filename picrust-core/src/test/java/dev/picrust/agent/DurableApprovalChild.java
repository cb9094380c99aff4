package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.hook.HookDecision;
import dev.picrust.hook.HookEvent;
import dev.picrust.hook.HookRegistry;
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
 * With a second argument {@code hook-ask}, the tool is read-only (rules alone would allow it) and a
 * PreToolUse hook asks for a human instead.
 */
public final class DurableApprovalChild {
    static final String SESSION = "durable";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        QueueProvider provider = new QueueProvider().then(r -> new LlmResponse("m1", "m",
                List.of(new ToolUseBlock("toolu_durable", "Mutate", Json.object().put("v", "x"))),
                StopReason.TOOL_USE, Usage.ZERO));
        AgentRuntime runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")));
        boolean hookAsk = args.length > 1 && args[1].equals("hook-ask");
        AgentHandle handle = runtime.spawn((hookAsk ? hookAskConfig(provider, dir, true) : config(provider, dir)).build(),
                SESSION);
        Subscription sub = handle.subscribe();
        handle.send("change something");
        for (Optional<OutputChunk> c = sub.next(); c.isPresent(); c = sub.next()) {
            if (c.get() instanceof OutputChunk.PermissionRequest request) {
                System.out.println("PENDING " + request.requestId());
                System.out.flush();
            }
        }
    }

    static AgentConfig.Builder config(QueueProvider provider, Path dir) {
        return AgentConfig.builder(provider)
                .tools(new ToolRegistry().register(mutate(dir.resolve("executions.log"), false)))
                .interactive(true)
                .workingDirectory(dir);
    }

    static final String HOOK_REASON = "a human must look at every Mutate call";

    /** A read-only Mutate (allowed by the rules alone) behind a PreToolUse hook that always asks. */
    static AgentConfig.Builder hookAskConfig(QueueProvider provider, Path dir, boolean interactive) {
        HookRegistry hooks = new HookRegistry();
        hooks.register(HookEvent.PRE_TOOL_USE, "Mutate", input -> HookDecision.ask(HOOK_REASON));
        return AgentConfig.builder(provider)
                .tools(new ToolRegistry().register(mutate(dir.resolve("executions.log"), true)))
                .hooks(hooks)
                .interactive(interactive)
                .workingDirectory(dir);
    }

    /** A tool that needs approval unless {@code readOnly}; each run leaves a line in {@code log}. */
    static Tool mutate(Path log, boolean readOnly) {
        return new Tool() {
            public boolean readOnly() { return readOnly; }
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
