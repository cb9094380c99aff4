package dev.picrust.runtime;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Broadcasts an agent's chunks to any number of subscribers, each with its own bounded buffer, so a
 * slow subscriber never blocks the agent or the others. Cheap with no subscribers.
 */
final class OutputBus implements OutputSink {
    public static final int DEFAULT_CAPACITY = 4096;

    private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean ended;

    public Subscription subscribe() {
        return subscribe(DEFAULT_CAPACITY);
    }

    public Subscription subscribe(int capacity) {
        Subscription[] holder = new Subscription[1];
        Subscription s = new Subscription(capacity, () -> subscribers.remove(holder[0]));
        holder[0] = s;
        subscribers.add(s);
        if (ended) {
            s.end();
        }
        return s;
    }

    @Override
    public void publish(OutputChunk chunk) {
        for (Subscription s : subscribers) {
            s.offer(chunk);
        }
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /** The agent stopped: subscribers drain what they have and then see the end. */
    public void end() {
        ended = true;
        for (Subscription s : subscribers) {
            s.end();
        }
    }
}
