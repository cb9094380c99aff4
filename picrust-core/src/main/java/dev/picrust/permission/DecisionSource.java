package dev.picrust.permission;

import dev.picrust.event.DecisionSourceKind;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What made a permission decision. {@link #kind()} and {@link #detail()} are the {@code source} and
 * {@code detail} of the {@code permission_decision} output chunk and session record.
 */
public sealed interface DecisionSource {

    /** One or more rules (a compound Bash command may need one allow rule per part). */
    record Rules(List<MatchedRule> rules) implements DecisionSource {
        public Rules {
            rules = List.copyOf(rules);
            if (rules.isEmpty()) {
                throw new IllegalArgumentException("at least one rule");
            }
        }
    }

    /** The permission mode decided (plan denies, bypass and acceptEdits allow). */
    record Mode(PermissionMode mode) implements DecisionSource {
        public Mode {
            Objects.requireNonNull(mode, "mode");
        }
    }

    /** The tool is read-only, which is allowed unless a rule says otherwise. */
    record ReadOnlyTool() implements DecisionSource {}

    /** No rule, mode or hook decided; the default is to ask. */
    record NoRule() implements DecisionSource {}

    /** PreToolUse hooks decided; {@code hooks} names them. */
    record Hook(String hooks) implements DecisionSource {
        public Hook {
            Objects.requireNonNull(hooks, "hooks");
        }
    }

    /** A human answered; {@code answer} says how (allow_once, allow_always:local, deny, ...). */
    record User(String answer) implements DecisionSource {
        public User {
            Objects.requireNonNull(answer, "answer");
        }
    }

    /** Nobody answered the request before its deadline. */
    record Timeout() implements DecisionSource {}

    /** The decision was "ask" but nobody can answer (headless). */
    record NoAnswerer() implements DecisionSource {}

    /** The call would change protected settings ({@link ProtectedPaths}): only a human may allow it. */
    record Protected(String what) implements DecisionSource {
        public Protected {
            Objects.requireNonNull(what, "what");
        }
    }

    /**
     * The agent that started this one (a subagent's parent, {@code agentType}) denied or asked about
     * the call by its own rules or mode: a parent's deny and ask rules bind its children
     * ({@link PermissionPolicy.Ceiling}).
     */
    record Parent(String agentType, DecisionSource source) implements DecisionSource {
        public Parent {
            Objects.requireNonNull(agentType, "agentType");
            Objects.requireNonNull(source, "source");
        }
    }

    /** The rules could not be read; the call is denied rather than guessed. */
    record Failure(String message) implements DecisionSource {
        public Failure {
            Objects.requireNonNull(message, "message");
        }
    }

    default DecisionSourceKind kind() {
        return switch (this) {
            case Rules r -> DecisionSourceKind.RULE;
            case Mode m -> DecisionSourceKind.MODE;
            case ReadOnlyTool r -> DecisionSourceKind.READ_ONLY;
            case NoRule n -> DecisionSourceKind.DEFAULT;
            case Hook h -> DecisionSourceKind.HOOK;
            case User u -> DecisionSourceKind.USER;
            case Timeout t -> DecisionSourceKind.TIMEOUT;
            case NoAnswerer n -> DecisionSourceKind.NO_ANSWERER;
            case Protected p -> DecisionSourceKind.PROTECTED;
            case Parent p -> p.source().kind();
            case Failure f -> DecisionSourceKind.ERROR;
        };
    }

    default String detail() {
        return switch (this) {
            case Rules r -> r.rules().stream().map(MatchedRule::toString).collect(Collectors.joining(", "));
            case Mode m -> m.mode().wireName();
            case ReadOnlyTool r -> "read-only tool";
            case NoRule n -> "no matching rule";
            case Hook h -> h.hooks();
            case User u -> u.answer();
            case Timeout t -> "request timed out";
            case NoAnswerer n -> "nobody can answer";
            case Protected p -> p.what();
            case Parent p -> p.source().detail() + " [parent " + p.agentType() + "]";
            case Failure f -> f.message();
        };
    }
}
