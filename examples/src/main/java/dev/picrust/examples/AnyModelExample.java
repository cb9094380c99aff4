package dev.picrust.examples;

import dev.picrust.agent.AgentConfig;
import dev.picrust.event.OutputChunk;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.gemini.GeminiConfig;
import dev.picrust.llm.gemini.GeminiProvider;
import dev.picrust.llm.openai.OpenAiConfig;
import dev.picrust.llm.openai.OpenAiProvider;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.MockLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One session on two models: a local OpenAI-compatible server (as Ollama, vLLM or llama.cpp serve
 * it) answers the first turn, Gemini continues the same session. Here the loopback
 * {@code MockLlmServer} plays both servers; point the base URLs at real ones to run it for real.
 */
public final class AnyModelExample {

    public static String run() throws Exception {
        Path sessions = Files.createTempDirectory("example-");
        try (MockLlmServer server = MockLlmServer.start()) {
            server.replyText("Paris.").replyText("About 2.1 million people.");

            // A local server: the base URL includes /v1, and it needs no key.
            LlmProvider local = new OpenAiProvider(OpenAiConfig.builder("")
                    .baseUrl(server.baseUrl() + "/v1").defaultModel("qwen3").build());
            // Gemini: GeminiConfig.fromEnvironment() reads GEMINI_API_KEY in real use.
            LlmProvider gemini = new GeminiProvider(GeminiConfig.builder("example-key")
                    .baseUrl(server.baseUrl() + "/v1beta").defaultModel("gemini-2.5-flash").build());

            StringBuilder transcript = new StringBuilder();
            try (AgentRuntime runtime = new AgentRuntime(SessionStore.at(sessions))) {
                transcript.append(turn(runtime.spawn(AgentConfig.builder(local).build(), "trip"),
                        local.name(), "What is the capital of France?"));
            }
            try (AgentRuntime runtime = new AgentRuntime(SessionStore.at(sessions))) {
                // Resuming with another provider converts the history for it on every request.
                transcript.append(turn(runtime.resume(AgentConfig.builder(gemini).build(), "trip"),
                        gemini.name(), "How many people live there?"));
            }
            return transcript.toString();
        }
    }

    private static String turn(AgentHandle agent, String provider, String prompt) throws Exception {
        var out = agent.subscribe();
        agent.send(prompt);
        StringBuilder answer = new StringBuilder(provider).append(": ");
        for (var c = out.next(); c.isPresent(); c = out.next()) {
            switch (c.get()) {
                case OutputChunk.TextDelta text -> answer.append(text.text());
                case OutputChunk.Done done -> {
                    agent.shutdown();
                    return answer.append('\n').toString();
                }
                default -> { }
            }
        }
        return answer.toString();
    }

    public static void main(String[] args) throws Exception {
        System.out.print(run());
    }
}
