package dev.picrust.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.Permissions;
import dev.picrust.cli.args.Command;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.ScriptedModel;
import dev.picrust.testkit.ServerStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.picrust.cli.args.Parameter.single;
import static dev.picrust.cli.args.ValueType.PATH;
import static dev.picrust.cli.args.ValueType.STRING;

/**
 * A complete multi-step tool task with no API key: the real Anthropic provider talks real HTTP and
 * SSE to a loopback mock model that follows a fixed script, and the real tools act on a temp folder.
 */
final class DemoCommand {

    Command declare() {
        return Command.named("demo", "Run a multi-step tool task offline against a loopback mock LLM.")
                .with(single("--sessions-dir", PATH, "Sessions folder (default: $PICRUST_HOME/sessions or ~/.picrust/sessions).",
                        v -> sessionsDir = v))
                .with(single("--output", STRING, "text or jsonl.", v -> output = v).defaultValue("text"))
                .action(parsed -> call())
                .build();
    }

    Path sessionsDir;
    String output;

    int call() throws Exception {
        Path workspace = Files.createTempDirectory("picrust-demo-");
        SessionStore store = sessionsDir == null ? SessionStore.atDefaultLocation() : SessionStore.at(sessionsDir);
        ChunkPrinter.OutputFormat format = output.equalsIgnoreCase("jsonl")
                ? ChunkPrinter.OutputFormat.JSONL : ChunkPrinter.OutputFormat.TEXT;
        try (MockLlmServer server = MockLlmServer.start()) {
            server.enqueue(script(workspace));
            AgentConfig config = AgentConfig.builder(ProviderFactory.anthropic(server.baseUrl(), "demo-key-not-secret"))
                    .model("mock-claude")
                    .agentType("demo")
                    .tools(ProviderFactory.defaultTools())
                    .workingDirectory(workspace)
                    .permissions(Permissions.defaults().allow("Bash", "Write", "Edit"))
                    .maxIterations(10)
                    .build();
            if (format == ChunkPrinter.OutputFormat.TEXT) {
                System.err.println("demo: mock LLM on " + server.baseUrl() + ", workspace " + workspace);
            }
            int code = new RunCommand().runTurn(store, config,
                    "Write a short plan for a birthday party to notes/plan.md, check it, and summarise it.",
                    format, System.out, System.err);
            if (format == ChunkPrinter.OutputFormat.TEXT) {
                System.err.println("demo: " + server.requestCount() + " model calls over loopback HTTP; files in "
                        + workspace);
            }
            return code;
        }
    }

    private static List<ServerStep> script(Path workspace) {
        ObjectNode write = Json.object()
                .put("file_path", "notes/plan.md")
                .put("content", "# Party plan\n\n- invite 12 friends\n- bake a lemon cake\n- playlist: 90s hits\n");
        return List.of(
                ServerStep.content(StopReason.TOOL_USE, List.of(
                        new TextBlock("I'll write the plan first."),
                        ScriptedModel.toolUse("Write", write))),
                ServerStep.content(StopReason.TOOL_USE, List.<ContentBlock>of(
                        new TextBlock("Now let me check what is on disk."),
                        ScriptedModel.toolUse("Bash", Json.object().put("command", "ls -R && wc -l notes/plan.md")))),
                ServerStep.content(StopReason.TOOL_USE, List.<ContentBlock>of(
                        ScriptedModel.toolUse("Read", Json.object().put("file_path", "notes/plan.md")))),
                ServerStep.text("The plan is in notes/plan.md: invite 12 friends, bake a lemon cake, and play 90s hits. "
                        + "(Workspace: " + workspace + ")"));
    }

}
