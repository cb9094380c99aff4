package dev.picrust.agent;

import dev.picrust.event.OutputSink;
import dev.picrust.permission.PermissionPolicy;
import dev.picrust.session.SessionState;
import dev.picrust.tool.PathResolver;
import java.nio.file.Path;

/** What the agent lends its tool calls: built once per agent, shared by every {@link AgentToolContext}. */
record ToolServices(String sessionId, Path workingDirectory, PathResolver paths, OutputSink output,
                    SessionState sessionState, AgentResources resources, HumanRequests humans, HookRunner hooks,
                    CurrentState state, AgentConfig config, PermissionPolicy policy) {}
