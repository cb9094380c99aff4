package dev.picrust.agent;

import dev.picrust.Cancellation;
import dev.picrust.event.OutputChunk;
import dev.picrust.sandbox.Sandbox;
import dev.picrust.secret.ToolEnvironment;
import dev.picrust.session.SessionState;
import dev.picrust.tool.PathResolver;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.UserQuestions;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The {@link ToolContext} of one tool call inside a {@link StandardAgent}. */
record AgentToolContext(StandardAgent agent, String toolUseId, String toolName, Cancellation cancellation)
        implements ToolContext {

    @Override
    public String sessionId() {
        return agent.session().id();
    }

    @Override
    public Path workingDirectory() {
        return agent.config().workingDirectory();
    }

    @Override
    public Path resolvePath(String path) throws ToolException {
        return agent.pathResolver().resolve(path);
    }

    @Override
    public void emit(OutputChunk chunk) {
        agent.emit(chunk);
    }

    @Override
    public SessionState sessionState() {
        return agent.session().state();
    }

    @Override
    public <T> T agentResource(Class<T> type, Supplier<T> factory) {
        return agent.resource(type, factory);
    }

    @Override
    public UserQuestions userQuestions() {
        return agent.questions(toolUseId, cancellation);
    }

    @Override
    public Sandbox sandbox() {
        return agent.resource(AgentSandbox.class, () -> AgentSandbox.create(agent.config())).sandbox();
    }

    @Override
    public ToolEnvironment environment() {
        return agent.config().toolEnvironment();
    }

    @Override
    public boolean mayRead(Path file) {
        AgentConfig config = agent.config();
        return agent.permissionPolicy().mayRead(file, config.workingDirectory(), config.agentType(),
                config.permissions().mode());
    }
}
