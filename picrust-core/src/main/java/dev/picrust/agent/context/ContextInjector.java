package dev.picrust.agent.context;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Fresh context for the model, computed before every LLM call and never stored in the session.
 * Return empty to add nothing this time. Injectors run on the agent's thread: keep them quick, and
 * bound anything that may block (as {@link #gitStatus} does).
 */
@FunctionalInterface
public interface ContextInjector {

    Optional<String> inject(InjectionContext context) throws Exception;

    /** "Current time: 2025-05-01T10:15:30+02:00[Europe/Paris]". */
    static ContextInjector currentTime(ZoneId zone) {
        return new CurrentTimeInjector(zone);
    }

    static ContextInjector currentTime() {
        return new CurrentTimeInjector(ZoneId.systemDefault());
    }

    /** "Working directory: /path". */
    static ContextInjector workingDirectory() {
        return ctx -> Optional.of("Working directory: " + ctx.workingDirectory());
    }

    /** The todo list, one line per item with its status; nothing when there is no list. */
    static ContextInjector todoList() {
        return new TodoListInjector();
    }

    /** {@code git status --short --branch} of the working directory; nothing outside a repository. */
    static ContextInjector gitStatus(Duration timeout) {
        return new GitStatusInjector(timeout);
    }

    static ContextInjector gitStatus() {
        return new GitStatusInjector(Duration.ofSeconds(5));
    }
}
