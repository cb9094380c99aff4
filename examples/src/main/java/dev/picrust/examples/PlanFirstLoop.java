package dev.picrust.examples;

import dev.picrust.Cancellation;
import dev.picrust.agent.AgentInternals;
import dev.picrust.agent.AgentLoop;
import dev.picrust.agent.ModelCaller;
import dev.picrust.agent.ModelReply;
import dev.picrust.event.AgentState;
import dev.picrust.event.EndReason;
import dev.picrust.event.InputMessage;
import dev.picrust.event.OutputChunk;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.ToolUseBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A forked loop: each turn first asks the model for a plan (one call without tools, stored like any
 * answer), then acts on it with the standard pieces: model calls, the tool executor behind the
 * permission gate, and the transcript that makes every line durable. Run it with
 * {@code runtime.spawn(config, new PlanFirstLoop())}; the handle, output and session are the same.
 */
public final class PlanFirstLoop implements AgentLoop {
    static final String PLAN = "Before doing anything, write a short numbered plan. Do not use tools yet.";
    static final String ACT = "Now carry out your plan.";

    @Override
    public void run(AgentInternals agent) throws InterruptedException {
        for (Optional<InputMessage> in = agent.inbox().next(); in.isPresent(); in = agent.inbox().next()) {
            if (in.get() instanceof InputMessage.UserInput user) {
                Cancellation cancellation = agent.turn().begin();
                agent.state().set(AgentState.PROCESSING);
                try {
                    EndReason reason = turn(agent, user.content(), cancellation);
                    agent.transcript().awaitDurable();
                    agent.output().publish(new OutputChunk.Done(reason));
                } catch (RuntimeException e) {  // a failed turn must not end the agent
                    agent.output().publish(new OutputChunk.Error("turn failed: " + e.getMessage()));
                    agent.output().publish(new OutputChunk.Done(EndReason.ERROR));
                } finally {
                    agent.turn().end();
                    agent.transcript().release();
                }
                agent.state().set(AgentState.IDLE);
            }
        }
    }

    private static EndReason turn(AgentInternals agent, List<ContentBlock> prompt, Cancellation cancellation) {
        agent.transcript().prompt(Message.user(prompt));
        List<Message> asked = new ArrayList<>(agent.transcript().history());
        asked.add(Message.user(PLAN));  // asked, never stored
        if (ask(agent, agent.requests().create(asked).withTools(List.of()), cancellation).isEmpty()) {
            return cancellation.isCancelled() ? EndReason.INTERRUPTED : EndReason.ERROR;
        }
        agent.transcript().note(Message.user(ACT));
        for (int i = 0; i < agent.config().maxIterations(); i++) {
            Optional<Message> reply = ask(agent, agent.requests().create(agent.transcript().history()), cancellation);
            if (reply.isEmpty()) {
                return cancellation.isCancelled() ? EndReason.INTERRUPTED : EndReason.ERROR;
            }
            List<ToolUseBlock> calls = reply.get().toolUses();
            if (calls.isEmpty()) {
                return EndReason.END_TURN;
            }
            agent.transcript().results(agent.tools().execute(calls, cancellation, Optional.empty()), List.of());
            agent.state().set(AgentState.PROCESSING);
        }
        return EndReason.MAX_ITERATIONS;
    }

    /** One model call; its message is stored. Empty if the call failed or was interrupted. */
    private static Optional<Message> ask(AgentInternals agent, LlmRequest request, Cancellation cancellation) {
        return switch (agent.model().call(request, cancellation)) {
            case ModelReply.Answered answered -> {
                Message reply = ModelCaller.messageOf(answered.response());
                agent.transcript().reply(reply);
                yield Optional.of(reply);
            }
            case ModelReply.Failed failed -> {
                agent.output().publish(new OutputChunk.Error("LLM call failed: " + failed.message()));
                yield Optional.empty();
            }
            case ModelReply.Interrupted interrupted -> Optional.empty();
        };
    }
}
