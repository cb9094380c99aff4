package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.ToolUseBlock;

/**
 * The OpenTelemetry spans of one agent, following the GenAI semantic conventions: {@code invoke_agent}
 * per turn, {@code chat} per model call, {@code execute_tool} per tool run. {@link #OFF} when the
 * configuration names no {@code OpenTelemetry}: its methods return {@link TraceSpan#NONE} and touch no
 * OpenTelemetry class, so an agent without tracing pays a virtual call per operation and nothing else.
 */
interface AgentTracing {

    AgentTracing OFF = new AgentTracing() {
        @Override
        public TraceSpan turn() {
            return TraceSpan.NONE;
        }

        @Override
        public TraceSpan chat(LlmRequest request) {
            return TraceSpan.NONE;
        }

        @Override
        public TraceSpan tool(ToolUseBlock call, JsonNode input) {
            return TraceSpan.NONE;
        }
    };

    /**
     * The tracing of an agent about to run on session {@code sessionId}. Called on the thread that
     * starts the agent, so a span current there (the Task tool's {@code execute_tool} span for a
     * subagent, an application's request span for a top-level agent) becomes the parent of its turns.
     */
    static AgentTracing of(AgentConfig config, String sessionId) {
        return config.openTelemetry().isEmpty() ? OFF : OtelAgentTracing.create(config, sessionId);
    }

    /** Starts the {@code invoke_agent} span of a turn; model calls and tool runs until it ends nest under it. */
    TraceSpan turn();

    /** Starts the {@code chat} span of a model call. */
    TraceSpan chat(LlmRequest request);

    /**
     * Starts the {@code execute_tool} span of a call and makes it current on this thread until it ends,
     * so agents the tool starts (subagents) nest under it.
     */
    TraceSpan tool(ToolUseBlock call, JsonNode input);
}
