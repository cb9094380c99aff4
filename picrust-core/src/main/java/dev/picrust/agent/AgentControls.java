package dev.picrust.agent;

import dev.picrust.event.AgentState;
import dev.picrust.event.InputMessage;
import dev.picrust.llm.LlmProvider;
import dev.picrust.permission.PendingRequest;
import dev.picrust.permission.PermissionAnswer;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The handle's side of a running agent: what other threads may do to it. Thread-safe; nothing here
 * waits for the agent.
 */
public final class AgentControls {
    private final Inbox inbox;
    private final CurrentTurn turn;
    private final HumanRequests humans;
    private final CurrentState state;
    private final ModelSwitch modelSwitch;
    private final Supplier<AgentConfig> config;

    AgentControls(Inbox inbox, CurrentTurn turn, HumanRequests humans, CurrentState state, ModelSwitch modelSwitch,
                  Supplier<AgentConfig> config) {
        this.inbox = inbox;
        this.turn = turn;
        this.humans = humans;
        this.state = state;
        this.modelSwitch = modelSwitch;
        this.config = config;
    }

    /**
     * Switches to {@code model} on {@code provider} when the next turn begins (a running turn ends on
     * the model it started with). The last switch asked for before that wins.
     */
    public void setModel(LlmProvider provider, String model) {
        modelSwitch.request(new ModelSwitch.Target(provider, model));
    }

    /** The configuration the agent runs with now: after a model switch, with the new provider and model. */
    public AgentConfig config() {
        return config.get();
    }

    /** Queues input; fails once the agent has stopped taking input. */
    public void submit(InputMessage input) {
        inbox.submit(input);
    }

    /** Stops the current turn, if any; the agent stays alive and becomes idle. */
    public void interrupt() {
        turn.interrupt();
    }

    /** Cancels the current turn and starts no other. */
    public void shutdown() {
        turn.shutdown();
        inbox.shutdown();
    }

    /** Delivers answers to an open question; false if no such question is waiting. */
    public boolean answer(String requestId, Map<String, String> answers) {
        return humans.answer(requestId, PendingRequest.Kind.QUESTION, Map.copyOf(answers));
    }

    /** Answers an open permission request; false if no such request is waiting. */
    public boolean answerPermission(String requestId, PermissionAnswer answer) {
        return humans.answer(requestId, PendingRequest.Kind.PERMISSION, answer);
    }

    public AgentState state() {
        return state.get();
    }
}
