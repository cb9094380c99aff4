package dev.picrust.event;

import java.util.Optional;

/**
 * What decided a tool call's permission: the {@code source} of a {@code permission_decision} chunk
 * and session record. {@code dev.picrust.permission.DecisionSource} carries the details.
 */
public enum DecisionSourceKind {
    /** One or more permission rules. */
    RULE("rule"),
    /** The permission mode (plan denies, bypassPermissions and acceptEdits allow). */
    MODE("mode"),
    /** A read-only tool, allowed unless a rule says otherwise. */
    READ_ONLY("read_only"),
    /** No rule, mode or hook decided: the default, which is to ask. */
    DEFAULT("default"),
    /** PreToolUse hooks. */
    HOOK("hook"),
    /** A human answered. */
    USER("user"),
    /** Nobody answered before the request's deadline. */
    TIMEOUT("timeout"),
    /** The decision was "ask" but nobody can answer (headless). */
    NO_ANSWERER("no_answerer"),
    /** The call would change protected settings (rules, settings, hook scripts, git config): only a human may allow it. */
    PROTECTED("protected"),
    /** The rules could not be read; the call was denied rather than guessed. */
    ERROR("error");

    private final String wireName;

    DecisionSourceKind(String wireName) {
        this.wireName = wireName;
    }

    /** The JSON form (docs/OUTPUT.md). */
    public String wireName() {
        return wireName;
    }

    public static Optional<DecisionSourceKind> fromWireName(String name) {
        for (DecisionSourceKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
