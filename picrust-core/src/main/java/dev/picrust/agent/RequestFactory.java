package dev.picrust.agent;

import dev.picrust.agent.context.ContextInjection;
import dev.picrust.agent.context.InjectionContext;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.TextBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns the session's history into the next LLM request. The history is append-only, so it can hold
 * two user messages in a row (tool results, then a new prompt after an interruption or a resume);
 * requests merge such neighbours into one message, as the API expects alternating roles.
 */
public final class RequestFactory {
    /** Replaced only between turns, by a model switch ({@link #use}); read by the agent's own thread. */
    private volatile AgentConfig config;
    private final List<TextBlock> system;
    private volatile ModelHistory models;

    public RequestFactory(AgentConfig config) {
        this(config, ModelHistory.none());
    }

    /** Requests whose history is converted for {@code config}'s model where {@code models} says other models wrote it. */
    public RequestFactory(AgentConfig config, ModelHistory models) {
        this.config = config;
        this.system = config.systemPrompt().isEmpty() ? List.of() : List.of(new TextBlock(config.systemPrompt()));
        this.models = models;
    }

    /** From the next request on: another provider and model, the history converted for it (a model switch). */
    void use(AgentConfig switched, ModelHistory switchedModels) {
        this.config = switched;
        this.models = switchedModels;
    }

    ModelHistory models() {
        return models;
    }

    /** The request as stored history says it: no cache breakpoints, no injected context. */
    public LlmRequest create(List<Message> history) {
        return new LlmRequest(config.model(), system, mergeNeighbours(history), config.tools().definitions(),
                config.maxTokens(), config.thinking(), Optional.empty(), Map.of());
    }

    /**
     * The request to send: the history as the current model must see it (converted when another
     * model wrote part of it, see {@link ModelHistory}), cache breakpoints first, then injected context appended after them, so
     * the cached prefix stays byte-identical from call to call while the context changes. Neither is
     * ever written to the session.
     */
    public LlmRequest createForCall(List<Message> history, InjectionContext injection) {
        return createForCall(history, () -> injection);
    }

    /** As {@link #createForCall(List, InjectionContext)}; the context is built only if an injector needs it. */
    public LlmRequest createForCall(List<Message> history, Supplier<InjectionContext> injection) {
        LlmRequest cached = config.cachePolicy().apply(create(models.forRequest(history)));
        return config.contextInjectors().isEmpty()
                ? cached
                : ContextInjection.apply(cached, config.contextInjectors(), injection.get());
    }

    static List<Message> mergeNeighbours(List<Message> history) {
        if (alternates(history)) {
            return history;  // the usual case: nothing to merge, nothing to copy
        }
        List<Message> merged = new ArrayList<>(history.size());
        for (Message m : history) {
            if (!merged.isEmpty() && merged.getLast().role() == m.role()) {
                Message previous = merged.removeLast();
                List<ContentBlock> content = new ArrayList<>(previous.content());
                content.addAll(m.content());
                merged.add(new Message(m.role(), content));
            } else {
                merged.add(m);
            }
        }
        return merged;
    }

    private static boolean alternates(List<Message> history) {
        for (int i = 1; i < history.size(); i++) {
            if (history.get(i).role() == history.get(i - 1).role()) {
                return false;
            }
        }
        return true;
    }
}
