package dev.picrust.agent;

import dev.picrust.agent.Permissions;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One kind of subagent a parent may start: what it is told, what it may use and how far it may go.
 * Settings left empty are inherited from the parent (model, permission gate, tools); everything else
 * the child gets from the parent's configuration too (working directory, provider, streaming, ...).
 *
 * @param name            the {@code subagent_type} the model names in a Task call; also the child's agent type
 * @param description     when to use it, shown to the model in the Task tool's description
 * @param systemPrompt    the child's system prompt
 * @param tools           the parent's tools the child may use; empty means all of them (never Task itself)
 * @param model           the child's model; empty means the parent's
 * @param permissions     the child's permission mode and rules; empty means the parent's
 * @param maxIterations   at most this many model calls
 * @param timeout         the child is stopped when it has not finished after this long
 * @param maxOutputTokens the child is stopped once its model calls produced more output tokens than this
 */
public record SubagentSpec(String name, String description, String systemPrompt, Optional<Set<String>> tools,
                           Optional<String> model, Optional<Permissions> permissions, int maxIterations,
                           Duration timeout, OptionalLong maxOutputTokens) {

    public static final String DEFAULT_SYSTEM_PROMPT = "You are a subagent working on one task for another agent. "
            + "Work on your own, then end with a concise, complete report: your final message is the only "
            + "thing the requesting agent sees.";
    public static final int DEFAULT_MAX_ITERATIONS = 50;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

    public SubagentSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid subagent name '" + name + "' (letters, digits, _ and -)");
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        tools = tools.map(Set::copyOf);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(permissions, "permissions");
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (maxOutputTokens.isPresent() && maxOutputTokens.getAsLong() < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be >= 1");
        }
    }

    public static Builder builder(String name, String description) {
        return new Builder(name, description);
    }

    public static final class Builder {
        private final String name;
        private final String description;
        private String systemPrompt = DEFAULT_SYSTEM_PROMPT;
        private Optional<Set<String>> tools = Optional.empty();
        private Optional<String> model = Optional.empty();
        private Optional<Permissions> permissions = Optional.empty();
        private int maxIterations = DEFAULT_MAX_ITERATIONS;
        private Duration timeout = DEFAULT_TIMEOUT;
        private OptionalLong maxOutputTokens = OptionalLong.empty();

        private Builder(String name, String description) {
            this.name = name;
            this.description = description;
        }

        public Builder systemPrompt(String value) { this.systemPrompt = value; return this; }
        /** Only these of the parent's tools; unknown names are ignored. */
        public Builder tools(Collection<String> names) { this.tools = Optional.of(Set.copyOf(names)); return this; }
        public Builder model(String value) { this.model = Optional.of(value); return this; }
        public Builder permissions(Permissions value) { this.permissions = Optional.of(value); return this; }
        public Builder maxIterations(int value) { this.maxIterations = value; return this; }
        public Builder timeout(Duration value) { this.timeout = value; return this; }
        public Builder maxOutputTokens(long value) { this.maxOutputTokens = OptionalLong.of(value); return this; }

        public SubagentSpec build() {
            return new SubagentSpec(name, description, systemPrompt, tools, model, permissions, maxIterations,
                    timeout, maxOutputTokens);
        }
    }
}
