package dev.picrust.agent;

import dev.picrust.event.AgentState;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;

/** What the agent is doing right now; every change is announced as a {@code state_change} chunk. */
public final class CurrentState {
    private final OutputSink output;
    private volatile AgentState state = AgentState.IDLE;

    CurrentState(OutputSink output) {
        this.output = output;
    }

    public AgentState get() {
        return state;
    }

    public void set(AgentState newState) {
        state = newState;
        output.publish(new OutputChunk.StateChange(newState));
    }
}
