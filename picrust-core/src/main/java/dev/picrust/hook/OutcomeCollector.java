package dev.picrust.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.permission.HookRuling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Folds the decisions and failures of the hooks of one event, in order, into a {@link HookOutcome}. */
final class OutcomeCollector {
    private final HookEvent event;
    private HookInput current;
    private boolean modified;
    private PermissionBehavior strongest;
    private final List<String> reasons = new ArrayList<>();
    private final List<String> deciders = new ArrayList<>();
    private final List<String> contexts = new ArrayList<>();
    private Optional<String> stopReason = Optional.empty();
    private final List<HookRun> runs = new ArrayList<>();
    private final List<HookFailure> failures = new ArrayList<>();
    private boolean cancelled;

    OutcomeCollector(HookInput input) {
        this.event = input.event();
        this.current = input;
    }

    /** The input the next hook sees: the original, as modified by the hooks so far. */
    HookInput current() {
        return current;
    }

    void accept(HookRegistration hook, HookDecision decision, Duration elapsed) {
        Optional<String> problem = problemWith(decision);
        if (problem.isPresent()) {
            runs.add(new HookRun(hook.name(), Optional.empty(), elapsed));
            fail(hook, HookFailure.Kind.INVALID_DECISION, problem.get());
            return;
        }
        runs.add(new HookRun(hook.name(), Optional.of(decision), elapsed));
        for (HookDecision part : decision.parts()) {
            apply(hook, part);
        }
    }

    void fail(HookRegistration hook, HookFailure.Kind kind, String message) {
        String effect = "ignored";
        if (hook.failurePolicy() == FailurePolicy.FAIL_CLOSED) {
            String reason = "hook \"" + hook.name() + "\" failed (" + message + ")";
            switch (event.kind()) {
                case GUARD -> {
                    rule(PermissionBehavior.DENY, reason, hook.name());
                    effect = event == HookEvent.PRE_TOOL_USE ? "tool call denied" : "action blocked";
                }
                case OBSERVER -> {
                    stop(reason);
                    effect = "agent stopped";
                }
                case STOP -> effect = "ignored: a failing hook never keeps the agent working";
            }
        }
        failures.add(new HookFailure(hook.name(), event, kind, message, hook.failurePolicy(), effect));
    }

    void failedToRun(HookRegistration hook, HookFailure.Kind kind, String message, Duration elapsed) {
        runs.add(new HookRun(hook.name(), Optional.empty(), elapsed));
        fail(hook, kind, message);
    }

    void cancelled() {
        cancelled = true;
    }

    HookOutcome outcome() {
        Optional<HookRuling> ruling = strongest == null ? Optional.empty()
                : Optional.of(new HookRuling(strongest, String.join("\n", reasons), String.join(", ", deciders)));
        return new HookOutcome(event, ruling, modified ? Optional.of(current) : Optional.empty(), contexts,
                stopReason, runs, failures, cancelled);
    }

    private Optional<String> problemWith(HookDecision decision) {
        if (decision == null) {
            return Optional.of("returned null (use HookDecision.noOpinion())");
        }
        for (HookDecision part : decision.parts()) {
            Optional<String> problem = switch (part) {
                case HookDecision.Ask a -> event == HookEvent.PRE_TOOL_USE ? Optional.empty()
                        : Optional.of("Ask only applies to PreToolUse");
                case HookDecision.ModifyInput m -> switch (current) {
                    case HookInput.PreToolUse p -> m.input().isObject() ? Optional.empty()
                            : Optional.of("PreToolUse input must be a JSON object");
                    case HookInput.UserPromptSubmit u -> promptOf(m.input()).isPresent() ? Optional.empty()
                            : Optional.of("a prompt must be a string or an object with a \"prompt\" string");
                    default -> Optional.of("ModifyInput only applies to PreToolUse and UserPromptSubmit");
                };
                case HookDecision.ModifyRequest r -> current instanceof HookInput.PreLlmCall ? Optional.empty()
                        : Optional.of("ModifyRequest only applies to PreLLMCall");
                default -> Optional.<String>empty();
            };
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private void apply(HookRegistration hook, HookDecision part) {
        switch (part) {
            case HookDecision.NoOpinion n -> { }
            case HookDecision.Allow a -> rule(PermissionBehavior.ALLOW, a.reason(), hook.name());
            case HookDecision.Ask a -> rule(PermissionBehavior.ASK, a.reason(), hook.name());
            case HookDecision.Deny d -> {
                if (event.kind() == HookEvent.Kind.OBSERVER) {
                    // Nothing left to block: the reason still reaches the model, as Claude Code does.
                    addContext(d.reason());
                } else {
                    rule(PermissionBehavior.DENY, d.reason(), hook.name());
                }
            }
            case HookDecision.ModifyInput m -> {
                current = switch (current) {
                    case HookInput.PreToolUse p -> p.withToolInput(m.input());
                    case HookInput.UserPromptSubmit u -> u.withPrompt(promptOf(m.input()).orElseThrow());
                    default -> throw new AssertionError("validated before");
                };
                modified = true;
            }
            case HookDecision.ModifyRequest r -> {
                current = ((HookInput.PreLlmCall) current).withRequest(r.request());
                modified = true;
            }
            case HookDecision.AddContext c -> addContext(c.text());
            case HookDecision.Stop s -> stop(s.reason());
            case HookDecision.All all -> all.parts().forEach(p -> apply(hook, p));
        }
    }

    private static Optional<String> promptOf(JsonNode node) {
        if (node.isTextual()) {
            return Optional.of(node.asText());
        }
        JsonNode prompt = node.path("prompt");
        return prompt.isTextual() ? Optional.of(prompt.asText()) : Optional.empty();
    }

    private void rule(PermissionBehavior behavior, String reason, String hookName) {
        if (strongest == null || behavior.strongerThan(strongest)) {
            strongest = behavior;
            reasons.clear();
            deciders.clear();
        } else if (strongest.strongerThan(behavior)) {
            return;
        }
        if (!reason.isBlank()) {
            reasons.add(reason);
        }
        deciders.add(hookName);
    }

    private void addContext(String text) {
        if (!text.isBlank()) {
            contexts.add(text);
        }
    }

    private void stop(String reason) {
        if (stopReason.isEmpty()) {
            stopReason = Optional.of(reason);
        }
    }
}
