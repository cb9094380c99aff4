package dev.picrust.hook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.util.Objects;

/**
 * A hook that did not produce a usable decision. Always reported in the {@link HookOutcome} so the
 * loop can announce and record it; {@code effect} says what the failure policy did about it.
 */
public record HookFailure(String hookName, HookEvent event, Kind kind, String message, FailurePolicy policy,
                          String effect) {

    public enum Kind {
        /** The hook threw. */
        THREW,
        /** The hook overran its timeout (a command hook's process tree was killed). */
        TIMED_OUT,
        /** A command hook exited with a status other than 0 or 2, or wrote unreadable output. */
        COMMAND_FAILED,
        /** The decision makes no sense for the event (e.g. ModifyRequest on PreToolUse). */
        INVALID_DECISION
    }

    public HookFailure {
        Objects.requireNonNull(hookName, "hookName");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(effect, "effect");
    }

    /** One line for a human: {@code PreToolUse hook "audit" timed out: after 5s (fail closed: call denied)}. */
    public String describe() {
        return event.wireName() + " hook \"" + hookName + "\" " + switch (kind) {
            case THREW -> "threw";
            case TIMED_OUT -> "timed out";
            case COMMAND_FAILED -> "failed";
            case INVALID_DECISION -> "gave an invalid decision";
        } + ": " + message + " (" + (policy == FailurePolicy.FAIL_CLOSED ? "fail closed" : "fail open")
                + ": " + effect + ")";
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("hook", hookName);
        n.put("event", event.wireName());
        n.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        n.put("message", message);
        n.put("policy", policy == FailurePolicy.FAIL_CLOSED ? "fail_closed" : "fail_open");
        n.put("effect", effect);
        return n;
    }
}
