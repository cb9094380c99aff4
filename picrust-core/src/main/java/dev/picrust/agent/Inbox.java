package dev.picrust.agent;

import dev.picrust.event.InputMessage;
import dev.picrust.llm.ContentBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An agent's input: a FIFO the handle adds to and only the agent's thread takes from, so every
 * message is processed once, in order. Input that arrives during a turn is taken at the turn's next
 * safe point ({@link #takeSteering()}) or left for the next turn. Once closed, input is refused, and
 * what was accepted but never processed is handed back to be kept in the session.
 */
public final class Inbox {
    private final BlockingQueue<InputMessage> queue = new LinkedBlockingQueue<>();
    /** Makes "is it closed?" and "add" one step, so nothing is added after {@code close()} drained. */
    private final ReentrantLock lock = new ReentrantLock();
    private final CurrentTurn turn;
    private final String sessionId;
    private boolean closed;  // guarded by lock
    /** Taken when the agent was told to stop, so not processed. Agent thread only. */
    private Optional<InputMessage> taken = Optional.empty();

    Inbox(CurrentTurn turn, String sessionId) {
        this.turn = turn;
        this.sessionId = sessionId;
    }

    /** Queues input; fails once the agent has stopped taking input. */
    public void submit(InputMessage input) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("agent " + sessionId + " has stopped");
            }
            queue.add(input);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the agent to stop, even when the inbox is closed. */
    void shutdown() {
        queue.add(new InputMessage.Shutdown());
    }

    /**
     * The next input to process, waiting as long as it takes; empty once the agent is to stop
     * (never a {@link InputMessage.Shutdown}).
     */
    public Optional<InputMessage> next() throws InterruptedException {
        InputMessage input = queue.take();
        if (turn.shuttingDown() || input instanceof InputMessage.Shutdown) {
            taken = Optional.of(input);
            return Optional.empty();
        }
        return Optional.of(input);
    }

    /** User input queued now, taken for delivery with the running turn's tool results. */
    public List<InputMessage.UserInput> takeSteering() {
        List<InputMessage.UserInput> steering = new ArrayList<>(0);
        while (queue.peek() instanceof InputMessage.UserInput next && !next.pinned()) {
            steering.add((InputMessage.UserInput) queue.poll());
        }
        return steering;
    }

    /** Refuses further input; returns the user content accepted but never processed, in order. */
    List<ContentBlock> close() {
        List<ContentBlock> unprocessed = new ArrayList<>();
        taken.ifPresent(m -> addUserContent(m, unprocessed));
        lock.lock();
        try {
            closed = true;
            for (InputMessage m : queue) {
                addUserContent(m, unprocessed);
            }
            queue.clear();
        } finally {
            lock.unlock();
        }
        return unprocessed;
    }

    private static void addUserContent(InputMessage m, List<ContentBlock> into) {
        if (m instanceof InputMessage.UserInput user) {
            into.addAll(user.content());
        }
    }
}
