package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.Cancellation;
import dev.picrust.event.OutputChunk;
import dev.picrust.sandbox.Sandbox;
import dev.picrust.secret.ToolEnvironment;
import dev.picrust.hook.HookContext;
import dev.picrust.hook.HookInput;
import dev.picrust.hook.HookOutcome;
import dev.picrust.session.SessionState;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.UserQuestions;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link ToolContext} of one tool call of an agent. Beyond what every tool sees, services that
 * act for the call inside its agent (subagents) may run the agent's hooks — a stop they ask for
 * stops the call's batch — and announce what the agent waits for.
 */
public final class AgentToolContext implements ToolContext {
    private final ToolServices services;
    private final ToolExecutor.Batch batch;
    private final String toolUseId;
    private final String toolName;

    AgentToolContext(ToolServices services, ToolExecutor.Batch batch, String toolUseId, String toolName) {
        this.services = services;
        this.batch = batch;
        this.toolUseId = toolUseId;
        this.toolName = toolName;
    }

    @Override
    public String sessionId() {
        return services.sessionId();
    }

    @Override
    public String toolUseId() {
        return toolUseId;
    }

    @Override
    public String toolName() {
        return toolName;
    }

    @Override
    public Path workingDirectory() {
        return services.workingDirectory();
    }

    @Override
    public Path resolvePath(String path) throws ToolException {
        return services.paths().resolve(path);
    }

    @Override
    public Cancellation cancellation() {
        return batch.cancellation;
    }

    @Override
    public void emit(OutputChunk chunk) {
        services.output().publish(chunk);
    }

    @Override
    public SessionState sessionState() {
        return services.sessionState();
    }

    @Override
    public <T> T agentResource(Class<T> type, Supplier<T> factory) {
        return services.resources().get(type, factory);
    }

    @Override
    public UserQuestions userQuestions() {
        HumanRequests humans = services.humans();
        return new UserQuestions() {
            @Override
            public boolean canAsk() {
                return humans.canAnswer();
            }

            @Override
            public Map<String, String> ask(JsonNode questions) throws ToolException, InterruptedException {
                return humans.askQuestions(toolUseId, questions, batch.cancellation, batch.progress);
            }
        };
    }

    /** Runs the agent's hooks for an event this call causes; a stop ends the turn after this batch. */
    public HookOutcome runHooks(HookInput input) {
        return batch.stopIfAsked(services.hooks().run(input));
    }

    /** What the agent's hooks learn about it. */
    public HookContext hookContext() {
        return services.hooks().context();
    }

    /** The agent's state, for a call that makes it wait (for a subagent, say). */
    public CurrentState agentState() {
        return services.state();
    }

    /**
     * This agent's permission policy as a ceiling for the agents it starts: they may do nothing it
     * would deny or ask about.
     */
    public dev.picrust.permission.PermissionPolicy.Ceiling permissionCeiling() {
        AgentConfig config = services.config();
        return new dev.picrust.permission.PermissionPolicy.Ceiling(services.policy(), config.agentType(),
                config.permissions().mode());
    }

    @Override
    public Sandbox sandbox() {
        return services.resources().get(AgentSandbox.class, () -> AgentSandbox.create(services.config())).sandbox();
    }

    @Override
    public ToolEnvironment environment() {
        return services.config().toolEnvironment();
    }

    @Override
    public boolean mayRead(Path file) {
        AgentConfig config = services.config();
        return services.policy().mayRead(file, config.workingDirectory(), config.agentType(), config.permissions().mode());
    }
}
