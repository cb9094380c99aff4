package dev.picrust.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.TextBlock;
import dev.picrust.secret.Redactor;
import java.util.ArrayList;
import java.util.List;
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
        // Redaction returns its input when it finds nothing, so a chunk is copied only when it held a secret.
        return switch (chunk) {
            case OutputChunk.Error e -> {
                String message = r.redact(e.message());
                yield message == e.message() ? e : new OutputChunk.Error(message);
            }
            case OutputChunk.Status st -> {
                String message = r.redact(st.message());
                yield message == st.message() ? st : new OutputChunk.Status(st.code(), message);
            }
            case OutputChunk.ToolProgress p -> {
                String output = r.redact(p.output());
                yield output == p.output() ? p : new OutputChunk.ToolProgress(p.id(), p.name(), output);
            }
            case OutputChunk.ToolStart t -> {
                JsonNode input = r.redact(t.input());
                yield input == t.input() ? t : new OutputChunk.ToolStart(t.id(), t.name(), input);
            }
            case OutputChunk.ToolEnd t -> {
                List<ContentBlock> content = redacted(t.content(), r);
                yield content == t.content() ? t : new OutputChunk.ToolEnd(t.id(), t.name(), t.isError(), content);
            }
            case OutputChunk.PermissionRequest p -> {
                JsonNode input = r.redact(p.input());
                String reason = r.redact(p.reason());
                yield input == p.input() && reason == p.reason() ? p
                        : new OutputChunk.PermissionRequest(p.requestId(), p.toolUseId(), p.toolName(), input, reason);
            }
            case OutputChunk.PermissionDecided p -> {
                String detail = r.redact(p.detail());
                yield detail == p.detail() ? p
                        : new OutputChunk.PermissionDecided(p.toolUseId(), p.toolName(), p.decision(), p.source(), detail);
            }
            case OutputChunk.SubagentOutput o -> {
                OutputChunk inner = redacted(o.chunk());
                yield inner == o.chunk() ? o : new OutputChunk.SubagentOutput(o.sessionId(), inner);
            }
            default -> chunk;
        };
    }

    /** The blocks with their text redacted: the same list when no text held a secret. */
    private static List<ContentBlock> redacted(List<ContentBlock> content, Redactor r) {
        List<ContentBlock> copy = null;
        for (int i = 0; i < content.size(); i++) {
            ContentBlock block = content.get(i);
            ContentBlock safe = block;
            if (block instanceof TextBlock text) {
                String redacted = r.redact(text.text());
                safe = redacted == text.text() ? text : new TextBlock(redacted, text.extras());
            }
            if (copy == null && safe != block) {
                copy = new ArrayList<>(content.subList(0, i));
            }
            if (copy != null) {
                copy.add(safe);
            }
        }
        return copy == null ? content : List.copyOf(copy);
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
