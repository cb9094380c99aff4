package dev.picrust.agent;

import dev.picrust.event.AgentState;
import dev.picrust.event.InputMessage;
import dev.picrust.permission.PendingRequest;
import dev.picrust.permission.PermissionAnswer;
import java.util.Map;

/**
 * The handle's side of a running agent: what other threads may do to it. Thread-safe; nothing here
 * waits for the agent.
 */
public final class AgentControls {
    private final Inbox inbox;
    private final CurrentTurn turn;
    private final HumanRequests humans;
    private final CurrentState state;

    AgentControls(Inbox inbox, CurrentTurn turn, HumanRequests humans, CurrentState state) {
        this.inbox = inbox;
        this.turn = turn;
        this.humans = humans;
        this.state = state;
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
