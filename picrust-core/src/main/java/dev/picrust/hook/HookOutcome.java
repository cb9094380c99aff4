package dev.picrust.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmRequest;
import dev.picrust.permission.HookRuling;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The combined result of every hook that ran for one event.
 *
 * <ul>
 *   <li>{@code ruling}: the strongest of the hooks' allow/ask/deny (deny > ask > allow), with the
 *       reasons of the hooks that said it. Fail-closed failures count as deny on guard events.</li>
 *   <li>{@code modifiedInput}: the input after every hook's modification, in registration order
 *       (each hook saw the input as modified by the hooks before it). Empty if nobody changed it.</li>
 *   <li>{@code contexts}: every AddContext text, in order.</li>
 *   <li>{@code stopReason}: the first Stop (or fail-closed observer failure); the agent must stop.</li>
 *   <li>{@code failures}: every hook that threw, timed out or answered nonsense. Never empty by
 *       accident: the loop should emit each one.</li>
 * </ul>
 */
public record HookOutcome(HookEvent event, Optional<HookRuling> ruling, Optional<HookInput> modifiedInput,
                          List<String> contexts, Optional<String> stopReason, List<HookRun> runs,
                          List<HookFailure> failures, boolean cancelled) {
    public HookOutcome {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(ruling, "ruling");
        Objects.requireNonNull(modifiedInput, "modifiedInput");
        contexts = List.copyOf(contexts);
        Objects.requireNonNull(stopReason, "stopReason");
        runs = List.copyOf(runs);
        failures = List.copyOf(failures);
    }

    /** The outcome of no hooks at all. */
    public static HookOutcome none(HookEvent event) {
        return NoHooks.OUTCOMES[event.ordinal()];  // asked for several times per model call; immutable
    }

    private static final class NoHooks {
        static final HookOutcome[] OUTCOMES = new HookOutcome[HookEvent.values().length];

        static {
            for (HookEvent e : HookEvent.values()) {
                OUTCOMES[e.ordinal()] = new HookOutcome(e, Optional.empty(), Optional.empty(), List.of(),
                        Optional.empty(), List.of(), List.of(), false);
            }
        }
    }

    /** True if a guard event's action must not happen (PreToolUse: the call is denied). */
    public boolean denied() {
        return event.kind() == HookEvent.Kind.GUARD && is(PermissionBehavior.DENY);
    }

    /** The reason to show for a {@link #denied()} action (for PreToolUse: the tool result text). */
    public Optional<String> denyReason() {
        return denied() ? ruling.map(HookRuling::reason) : Optional.empty();
    }

    /** PreToolUse only: a hook asked that a human confirm the call. */
    public boolean askRequested() {
        return event == HookEvent.PRE_TOOL_USE && is(PermissionBehavior.ASK);
    }

    /**
     * Stop and SubagentStop only: a hook asked the agent to keep working; the text is the
     * instruction to give it. Pass the outcome to {@link StopGuard#evaluate} rather than acting on this.
     */
    public Optional<String> keepWorking() {
        return event.kind() == HookEvent.Kind.STOP && is(PermissionBehavior.DENY)
                ? ruling.map(HookRuling::reason) : Optional.empty();
    }

    public boolean stopRequested() {
        return stopReason.isPresent();
    }

    /** All AddContext texts joined by blank lines, or empty if there were none. */
    public Optional<String> additionalContext() {
        return contexts.isEmpty() ? Optional.empty() : Optional.of(String.join("\n\n", contexts));
    }

    /** PreToolUse: the tool input to use instead of the model's, if a hook changed it. */
    public Optional<JsonNode> updatedToolInput() {
        return modifiedInput.filter(HookInput.PreToolUse.class::isInstance)
                .map(i -> ((HookInput.PreToolUse) i).toolInput());
    }

    /** UserPromptSubmit: the prompt to use instead of the user's, if a hook changed it. */
    public Optional<String> updatedPrompt() {
        return modifiedInput.filter(HookInput.UserPromptSubmit.class::isInstance)
                .map(i -> ((HookInput.UserPromptSubmit) i).prompt());
    }

    /** PreLLMCall: the request to send instead, if a hook changed it. */
    public Optional<LlmRequest> updatedRequest() {
        return modifiedInput.filter(HookInput.PreLlmCall.class::isInstance)
                .map(i -> ((HookInput.PreLlmCall) i).request());
    }

    /** True if nothing happened worth recording: no hook ran, or all ran and had no opinion. */
    public boolean isEmpty() {
        return ruling.isEmpty() && modifiedInput.isEmpty() && contexts.isEmpty() && stopReason.isEmpty()
                && failures.isEmpty() && !cancelled;
    }

    /** A JSON summary for the session's {@code hook_outcome} record. */
    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("event", event.wireName());
        ruling.ifPresent(v -> {
            n.put("decision", v.behavior().wireName());
            n.put("reason", v.reason());
            n.put("hooks", v.hooks());
        });
        n.put("input_modified", modifiedInput.isPresent());
        additionalContext().ifPresent(c -> n.put("additional_context", c));
        stopReason.ifPresent(s -> n.put("stop_reason", s));
        ArrayNode ran = n.putArray("ran");
        runs.forEach(r -> ran.add(r.hookName()));
        ArrayNode failed = n.putArray("failures");
        failures.forEach(f -> failed.add(f.toJson()));
        if (cancelled) {
            n.put("cancelled", true);
        }
        return n;
    }

    private boolean is(PermissionBehavior behavior) {
        return ruling.map(v -> v.behavior() == behavior).orElse(false);
    }
}
