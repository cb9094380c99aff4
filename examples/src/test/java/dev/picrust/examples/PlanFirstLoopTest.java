package dev.picrust.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.agent.AgentConfig;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.ScriptedModel;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.schema.AnnotatedTools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanFirstLoopTest {
    @TempDir Path dir;

    @Test
    void theForkedLoopPlansWithoutToolsThenActsWithThem() throws Exception {
        ScriptedModel model = new ScriptedModel()
                .replyText("1. Look up the open total of C-42.\n2. Report it.")
                .replyToolUse("openTotal", Json.object().put("customer", "C-42"))
                .replyText("C-42 owes 1250.50 EUR.");
        AgentConfig config = AgentConfig.builder(model)
                .tools(new ToolRegistry().registerAll(AnnotatedTools.from(new CustomToolExample.Invoices())))
                .build();
        SessionStore store = SessionStore.at(dir);
        List<OutputChunk> chunks = new ArrayList<>();
        String sessionId;
        try (AgentRuntime runtime = new AgentRuntime(store)) {
            AgentHandle agent = runtime.spawn(config, new PlanFirstLoop());
            sessionId = agent.sessionId();
            for (OutputChunk c : agent.prompt("How much does C-42 owe?")) {
                chunks.add(c);
            }
        }

        assertThat(chunks.getLast()).isEqualTo(new OutputChunk.Done(EndReason.END_TURN));
        assertThat(chunks).filteredOn(OutputChunk.ToolEnd.class::isInstance).singleElement()
                .satisfies(c -> assertThat(((OutputChunk.ToolEnd) c).isError()).isFalse());
        List<LlmRequest> requests = model.requests();
        assertThat(requests.getFirst().tools()).as("the plan is asked for without tools").isEmpty();
        assertThat(requests.getFirst().messages().getLast().text()).contains(PlanFirstLoop.PLAN);
        assertThat(requests.get(1).tools()).isNotEmpty();
        try (var session = store.open(sessionId)) {
            List<Message> history = session.messages();
            assertThat(history).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.USER,
                    Role.ASSISTANT, Role.USER, Role.ASSISTANT);
            assertThat(history.get(1).text()).startsWith("1. Look up");
            assertThat(history.get(2).text()).isEqualTo(PlanFirstLoop.ACT);
            assertThat(history.get(4).toolResults().getFirst().text()).isEqualTo("1250.5");
            assertThat(history.getLast().text()).isEqualTo("C-42 owes 1250.50 EUR.");
        }
    }
}
