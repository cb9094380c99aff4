package dev.picrust.examples;

import dev.picrust.agent.AgentConfig;
import dev.picrust.event.OutputChunk;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.builtin.BuiltinTools;

/** The README's embedding example, kept here so it always compiles. Needs ANTHROPIC_API_KEY. */
public class Hello {
    public static void main(String[] args) throws Exception {
        var config = AgentConfig.builder(AnthropicProvider.fromEnvironment())
                .tools(new ToolRegistry().registerAll(BuiltinTools.all()))
                .build();
        try (var runtime = new AgentRuntime(SessionStore.atDefaultLocation())) {
            var agent = runtime.spawn(config);
            for (OutputChunk c : agent.prompt("List the files here and summarise the README.")) {
                if (c instanceof OutputChunk.TextDelta t) System.out.print(t.text());
            }
        }
    }
}
