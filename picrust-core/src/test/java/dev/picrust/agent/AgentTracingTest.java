package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.json.Json;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Without a configured OpenTelemetry an agent's tracing is the shared no-op: nothing is built per operation. */
class AgentTracingTest {

    @Test
    void noOpenTelemetryMeansTheSharedNoOpWhoseSpansAreConstants() {
        AgentConfig config = AgentConfig.builder(new QueueProvider()).build();
        AgentTracing tracing = AgentTracing.of(config, "s");
        assertThat(tracing).isSameAs(AgentTracing.OFF);
        assertThat(tracing.turn()).isSameAs(TraceSpan.NONE);
        assertThat(tracing.chat(LlmRequest.of("m", List.of(Message.user("hi")), 10))).isSameAs(TraceSpan.NONE);
        assertThat(tracing.tool(new ToolUseBlock("t", "Echo", Json.object()), Json.object())).isSameAs(TraceSpan.NONE);
    }

    @Test
    void aConfiguredOpenTelemetryIsInheritedByDerivedConfigurations() {
        AgentConfig config = AgentConfig.builder(new QueueProvider()).openTelemetry(OpenTelemetry.noop())
                .traceContent(true).build();
        AgentConfig child = config.toBuilder().agentType("child").build();
        assertThat(child.openTelemetry()).containsSame(config.openTelemetry().orElseThrow());
        assertThat(child.traceContent()).isTrue();
        assertThat(AgentTracing.of(child, "c")).isInstanceOf(OtelAgentTracing.class);
        assertThat(config.withModel(config.provider(), "other").openTelemetry()).isPresent();
    }
}
