package dev.picrust.agent;

import dev.picrust.event.EndReason;
import dev.picrust.hook.HookInput;
import dev.picrust.tool.ToolResult;
import java.util.Optional;

/**
 * A span in progress, ended by the method for its operation; {@link #NONE} ignores everything. The
 * loop calls these whether or not tracing is on, so each is a no-op by default.
 */
interface TraceSpan {
    TraceSpan NONE = new TraceSpan() {};

    /** Ends an {@code invoke_agent} span. */
    default void endTurn(EndReason reason) {}

    /** Notes the provider's failure on a {@code chat} span before it ends. */
    default void failed(Throwable error) {}

    /** Ends a {@code chat} span with the call's outcome, and returns it. */
    default ModelReply endChat(ModelReply reply) {
        return reply;
    }

    /** Ends an {@code execute_tool} span; {@code failure}: the tool threw or was killed. */
    default void endTool(ToolResult result, Optional<HookInput.ToolErrorKind> failure) {}
}
