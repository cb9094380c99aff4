package dev.picrust.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.agent.AgentConfig;
import dev.picrust.agent.RequestFactory;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.util.List;

/** Asserts that a history can be sent as the next request (after the request factory merges neighbours). */
final class HistoryCheck {
    private HistoryCheck() {}

    static void assertValid(List<Message> history) {
        AgentConfig config = AgentConfig.builder(new ScriptedProvider()).build();
        List<Message> sent = new RequestFactory(config).create(history).messages();
        assertThat(sent).as("history").isNotEmpty();
        assertThat(sent.getFirst().role()).as("first role").isEqualTo(Role.USER);
        for (int i = 0; i < sent.size(); i++) {
            Message m = sent.get(i);
            if (i > 0) {
                assertThat(m.role()).as("roles alternate at " + i).isNotEqualTo(sent.get(i - 1).role());
            }
            List<String> uses = m.toolUses().stream().map(ToolUseBlock::id).toList();
            if (!uses.isEmpty()) {
                assertThat(i + 1).as("tool_use at " + i + " is followed by results").isLessThan(sent.size());
                Message next = sent.get(i + 1);
                List<ContentBlock> leading = next.content().subList(0, Math.min(uses.size(), next.content().size()));
                assertThat(leading).as("results lead the next message").allMatch(ToolResultBlock.class::isInstance);
                assertThat(next.toolResults()).extracting(ToolResultBlock::toolUseId)
                        .as("every tool_use answered once, in order").containsExactlyElementsOf(uses);
            }
            if (m.role() == Role.USER && !m.toolResults().isEmpty()) {
                assertThat(i).as("tool_result at " + i + " follows a tool_use").isPositive();
                assertThat(sent.get(i - 1).toolUses()).isNotEmpty();
            }
        }
    }
}
