package dev.picrust.mcp;

import static dev.picrust.mcp.AgentRun.text;
import static dev.picrust.mcp.AgentRun.toolEnds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.agent.Permissions;
import dev.picrust.json.Json;
import dev.picrust.event.OutputChunk;
import dev.picrust.testkit.ScriptedModel;
import dev.picrust.tool.ToolRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent loop using {@code @modelcontextprotocol/server-filesystem} over stdio on a temporary folder. */
class McpFilesystemIT {
    @TempDir
    Path dir;

    @Test
    void theAgentWritesAndReadsFilesThroughTheServerAndPathRulesApply() throws Exception {
        Path root = Files.createDirectories(dir.resolve("shared")).toRealPath();
        Files.writeString(root.resolve("notes.txt"), "first line\n");
        // Writing is allowed only under out/; reading anywhere (path rules work on MCP tools' "path" input).
        Permissions permissions = Permissions.defaults().allow("mcp__fs__read_text_file", "mcp__fs__list_directory",
                "mcp__fs__write_file(" + root + "/out/**)");
        try (McpToolProvider mcp = McpToolProvider.builder().server(McpTestServers.filesystem("fs", root)).build();
             AgentRun run = new AgentRun(dir, new ToolRegistry().register(mcp), permissions, false)) {
            Files.createDirectories(root.resolve("out"));
            run.model.replyToolUses(List.of(
                            ScriptedModel.toolUse("mcp__fs__read_text_file", Json.object().put("path", root + "/notes.txt")),
                            ScriptedModel.toolUse("mcp__fs__write_file",
                                    Json.object().put("path", root + "/out/result.txt").put("content", "written by agent")),
                            ScriptedModel.toolUse("mcp__fs__write_file",
                                    Json.object().put("path", root + "/notes.txt").put("content", "overwritten")),
                            ScriptedModel.toolUse("mcp__fs__list_directory", Json.object().put("path", root.toString()))))
                    .replyText("ok");

            List<OutputChunk.ToolEnd> ends = toolEnds(run.turn("work with files"));

            assertThat(text(ends.get(0))).contains("first line");
            assertThat(ends.get(1).isError()).as(text(ends.get(1))).isFalse();
            assertThat(Files.readString(root.resolve("out/result.txt"))).isEqualTo("written by agent");
            assertThat(ends.get(2).isError()).isTrue();
            assertThat(Files.readString(root.resolve("notes.txt"))).isEqualTo("first line\n");
            assertThat(text(ends.get(3))).contains("notes.txt").contains("out");
        }
    }
}
