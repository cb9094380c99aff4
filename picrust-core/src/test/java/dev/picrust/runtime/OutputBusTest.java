package dev.picrust.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.event.OutputChunk;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.TextBlock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputBusTest {
    private static final String KEY = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345";

    @Test
    void secretsInToolOutputAndInputAreRedactedForSubscribers() throws Exception {
        OutputBus bus = new OutputBus();
        try (Subscription s = bus.subscribe()) {
            bus.publish(new OutputChunk.ToolStart("t1", "Bash", Json.object().put("command", "echo " + KEY)));
            bus.publish(new OutputChunk.ToolEnd("t1", "Bash", false,
                    List.<ContentBlock>of(new TextBlock("clean", Map.of()), new TextBlock("key " + KEY, Map.of()))));
            bus.publish(new OutputChunk.SubagentOutput("child", new OutputChunk.Error("failed with " + KEY)));

            OutputChunk.ToolStart start = (OutputChunk.ToolStart) s.next().orElseThrow();
            OutputChunk.ToolEnd end = (OutputChunk.ToolEnd) s.next().orElseThrow();
            OutputChunk.SubagentOutput sub = (OutputChunk.SubagentOutput) s.next().orElseThrow();
            assertThat(start.input().path("command").asText()).isEqualTo("echo [REDACTED]");
            assertThat(end.content()).extracting(b -> ((TextBlock) b).text()).containsExactly("clean", "key [REDACTED]");
            assertThat(((OutputChunk.Error) sub.chunk()).message()).isEqualTo("failed with [REDACTED]");
        }
    }

    @Test
    void chunksWithoutSecretsReachSubscribersUncopied() throws Exception {
        OutputBus bus = new OutputBus();
        OutputChunk.ToolEnd end = new OutputChunk.ToolEnd("t1", "Read", false, List.of(new TextBlock("hello", Map.of())));
        OutputChunk.ToolStart start = new OutputChunk.ToolStart("t1", "Read", Json.object().put("path", "a.txt"));
        try (Subscription s = bus.subscribe()) {
            bus.publish(start);
            bus.publish(end);
            assertThat(s.next().orElseThrow()).isSameAs(start);
            assertThat(s.next().orElseThrow()).isSameAs(end);
        }
    }
}
