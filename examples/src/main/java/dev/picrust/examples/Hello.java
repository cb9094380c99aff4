package dev.picrust.examples;

import dev.picrust.agent.AgentConfig;
import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.*;
import dev.picrust.session.SessionStore;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.builtin.BuiltinTools;

/** The README's 20-line example, kept here so it always compiles. Needs ANTHROPIC_API_KEY. */
public class Hello {
    public static void main(String[] args) throws Exception {
        var config = AgentConfig.builder(AnthropicProvider.fromEnvironment())
                .tools(new ToolRegistry().registerAll(BuiltinTools.all()))
                .build();
        try (var runtime = new AgentRuntime(SessionStore.atDefaultLocation())) {
            AgentHandle agent = runtime.spawn(config);
            Subscription out = agent.subscribe();          // subscribe before sending
            agent.send("List the files here and summarise the README.");
            for (var c = out.next(); c.isPresent(); c = out.next()) {
                if (c.get() instanceof OutputChunk.TextDelta t) System.out.print(t.text());
                if (c.get() instanceof OutputChunk.Done) break;
            }
        }
    }
}
