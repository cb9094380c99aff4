package dev.picrust.agent.context;

import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.TextBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import dev.picrust.secret.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the injectors and adds their text to the request's messages: one new text block,
 * {@code <system-reminder>...</system-reminder>}, appended to the last user message of a copy.
 * The input list and its messages are never changed, so nothing injected reaches the session.
 *
 * <p>Call it after {@link CachePolicy#apply}: the new block then sits after the last cache
 * breakpoint and changing text never invalidates the cached prefix.
 */
public final class ContextInjection {
    /** Made on first use: SLF4J's start looks for providers on the class path, which opens the jar (~20 ms of a CLI run). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ContextInjection.class);
    }

    public static final String OPEN_TAG = "<system-reminder>";
    public static final String CLOSE_TAG = "</system-reminder>";

    /** The messages to send, and the injectors that failed (their text is left out). */
    public record Result(List<Message> messages, List<String> failures) {
        public Result {
            messages = List.copyOf(messages);
            failures = List.copyOf(failures);
        }
    }

    private ContextInjection() {}

    /** The messages with injected context; failing injectors are logged and skipped. */
    public static List<Message> apply(List<Message> messages, List<ContextInjector> injectors, InjectionContext context) {
        return inject(messages, injectors, context).messages();
    }

    /** As {@link #apply}, also reporting which injectors failed so the loop can announce it. */
    public static Result inject(List<Message> messages, List<ContextInjector> injectors, InjectionContext context) {
        Objects.requireNonNull(context, "context");
        List<String> texts = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (ContextInjector injector : injectors) {
            try {
                Optional<String> text = injector.inject(context);
                text.filter(t -> !t.isBlank()).ifPresent(t -> texts.add(t.strip()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(injector + ": interrupted");
                break;
            } catch (Exception e) {
                String failure = injector + ": " + e;
                Log.LOG.warn("context injector failed: {}", Redactor.shared().redact(failure));
                failures.add(failure);
            }
        }
        if (texts.isEmpty()) {
            return new Result(messages, failures);
        }
        return new Result(appendToLastUserMessage(messages, reminder(String.join("\n\n", texts))), failures);
    }

    /** The request with injected context in its messages; everything else is unchanged. */
    public static LlmRequest apply(LlmRequest request, List<ContextInjector> injectors, InjectionContext context) {
        return request.withMessages(apply(request.messages(), injectors, context));
    }

    /** {@code text} wrapped in system-reminder tags. */
    public static String reminder(String text) {
        return OPEN_TAG + "\n" + text + "\n" + CLOSE_TAG;
    }

    /** A copy of {@code messages} with {@code text} as a new block at the end of the last user message. */
    public static List<Message> appendToLastUserMessage(List<Message> messages, String text) {
        List<Message> copy = new ArrayList<>(messages);
        for (int i = copy.size() - 1; i >= 0; i--) {
            Message m = copy.get(i);
            if (m.role() == Role.USER) {
                List<ContentBlock> blocks = new ArrayList<>(m.content());
                blocks.add(new TextBlock(text));
                copy.set(i, new Message(Role.USER, blocks));
                return copy;
            }
        }
        return copy;
    }
}
