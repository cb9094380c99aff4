package dev.picrust.examples;

import dev.picrust.llm.anthropic.AnthropicProvider;
import dev.picrust.runtime.Agent;
import dev.picrust.tool.builtin.BuiltinTools;

/**
 * The README's example, kept here so it always compiles (scripts/check-artifacts also builds and runs the
 * README's copy against the published artifacts). Needs ANTHROPIC_API_KEY.
 */
public class Hello {
    public static void main(String[] args) throws Exception {
        try (Agent agent = Agent.builder(AnthropicProvider.fromEnvironment()).tools(BuiltinTools.all()).build()) {
            System.out.println(agent.run("List the files here and summarise the README.").text());
        }
    }
}
