package dev.picrust.runtime;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.TextBlock;
import dev.picrust.secret.Redactor;
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

    /** Offers the chunk to every subscriber, with secrets redacted from what it reports (errors, status, tool output). */
    @Override
    public void publish(OutputChunk chunk) {
        if (subscribers.isEmpty()) {
            return;
        }
        OutputChunk safe = redacted(chunk);
        for (Subscription s : subscribers) {
            s.offer(safe);
        }
    }

    /**
     * The chunk with every known key and anything shaped like one removed. Model text deltas pass as
     * they are: a secret split across deltas could not be found in one anyway, and the session and
     * tool results (where the model's input comes from) are redacted.
     */
    static OutputChunk redacted(OutputChunk chunk) {
        Redactor r = Redactor.shared();
        return switch (chunk) {
            case OutputChunk.Error e -> new OutputChunk.Error(r.redact(e.message()));
            case OutputChunk.Status st -> new OutputChunk.Status(st.code(), r.redact(st.message()));
            case OutputChunk.ToolProgress p -> new OutputChunk.ToolProgress(p.id(), p.name(), r.redact(p.output()));
            case OutputChunk.ToolStart t -> new OutputChunk.ToolStart(t.id(), t.name(), r.redact(t.input()));
            case OutputChunk.ToolEnd t -> new OutputChunk.ToolEnd(t.id(), t.name(), t.isError(), t.content().stream()
                    .map(b -> b instanceof TextBlock text ? (ContentBlock) new TextBlock(r.redact(text.text()), text.extras()) : b)
                    .toList());
            case OutputChunk.PermissionRequest p -> new OutputChunk.PermissionRequest(p.requestId(), p.toolUseId(),
                    p.toolName(), r.redact(p.input()), r.redact(p.reason()));
            case OutputChunk.PermissionDecided p -> new OutputChunk.PermissionDecided(p.toolUseId(), p.toolName(),
                    p.decision(), p.source(), r.redact(p.detail()));
            case OutputChunk.SubagentOutput o -> new OutputChunk.SubagentOutput(o.sessionId(), redacted(o.chunk()));
            default -> chunk;
        };
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
