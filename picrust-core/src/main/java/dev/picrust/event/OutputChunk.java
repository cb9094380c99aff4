package dev.picrust.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.Usage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything an agent announces to its subscribers. The JSON form ({@link OutputChunkJson}) is the
 * one vocabulary of the CLI's {@code --output jsonl}, the server's SSE stream and the web console.
 */
public sealed interface OutputChunk {

    record TextDelta(String text) implements OutputChunk {}

    record ThinkingDelta(String text) implements OutputChunk {}

    /** A tool call is about to run. {@code id} is the real tool_use id. */
    record ToolStart(String id, String name, JsonNode input) implements OutputChunk {}

    /** Live output of a running tool. */
    record ToolProgress(String id, String name, String output) implements OutputChunk {}

    /** A tool call finished (successfully or not). */
    record ToolEnd(String id, String name, boolean isError, List<ContentBlock> content) implements OutputChunk {
        public ToolEnd {
            content = List.copyOf(content);
        }
    }

    /** Something worth telling a human that is not an error; {@code code} says what, for programs. */
    record Status(StatusCode code, String message) implements OutputChunk {}

    /**
     * After every model call: its tokens and cost ({@code cost} empty when the model has no price), and
     * the running totals of the turn, the session (earlier runs included) and the agent tree (this
     * agent's session and its subagents'). JSON type {@code usage}.
     */
    record UsageReport(String model, Usage usage, OptionalDouble cost, UsageTotals turn, UsageTotals session,
                       UsageTotals tree) implements OutputChunk {
        public UsageReport {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(cost, "cost");
            Objects.requireNonNull(turn, "turn");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(tree, "tree");
        }
    }

    record Error(String message) implements OutputChunk {}

    /** The turn ended, for {@code reason}. */
    record Done(EndReason reason) implements OutputChunk {}

    record StateChange(AgentState state) implements OutputChunk {}

    /** The agent needs a human's permission to run a tool. */
    record PermissionRequest(String requestId, String toolUseId, String toolName, JsonNode input,
                             String reason) implements OutputChunk {}

    /**
     * How a tool call's permission was decided, and by what; {@code detail} names it (the rules and
     * their tiers, the mode, the hooks, the user's answer). JSON type {@code permission_decision}.
     */
    record PermissionDecided(String toolUseId, String toolName, PermissionBehavior decision, DecisionSourceKind source,
                             String detail) implements OutputChunk {}

    /** The agent asks the user questions (AskUserQuestion); answer with the request id. */
    record Question(String requestId, String toolUseId, JsonNode questions) implements OutputChunk {}

    record TodoUpdate(JsonNode todos) implements OutputChunk {}

    record FilePresented(String path, String fileName, Optional<String> description) implements OutputChunk {}

    /** A chunk from a subagent, forwarded to the parent's subscribers. */
    record SubagentOutput(String sessionId, OutputChunk chunk) implements OutputChunk {}

    /** This subscriber fell behind and {@code missed} chunks were dropped for it only. */
    record Lagged(long missed) implements OutputChunk {}
}
