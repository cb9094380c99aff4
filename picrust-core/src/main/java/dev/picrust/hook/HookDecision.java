package dev.picrust.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.llm.LlmRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one hook says. Several decisions from one hook are joined with {@link #and}, e.g.
 * {@code allow("vetted").and(modifyInput(safer)).and(addContext("ran in dry-run mode"))}.
 *
 * <p>How the loop reads each decision per event is in {@link HookOutcome} and docs/CONTROL.md.
 */
public sealed interface HookDecision {

    /** No opinion: carry on. */
    record NoOpinion() implements HookDecision {}

    /** PreToolUse: allow without asking (deny and ask rules still apply). */
    record Allow(String reason) implements HookDecision {
        public Allow {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Guard events: block the action; for PreToolUse the reason is the tool result the model sees.
     * Stop events: do not stop yet, the reason is what the agent is told to do next.
     */
    record Deny(String reason) implements HookDecision {
        public Deny {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** PreToolUse: ask a human even if rules would allow. */
    record Ask(String reason) implements HookDecision {
        public Ask {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * PreToolUse: replace the tool input (an object). UserPromptSubmit: replace the prompt (a text
     * node, or an object with a {@code prompt} field). Later hooks see the replaced input.
     */
    record ModifyInput(JsonNode input) implements HookDecision {
        public ModifyInput {
            input = input.deepCopy();
        }

        @Override
        public JsonNode input() {
            return input.deepCopy();
        }
    }

    /** PreLLMCall: replace the outgoing request. Later hooks see the replaced request. */
    record ModifyRequest(LlmRequest request) implements HookDecision {
        public ModifyRequest {
            Objects.requireNonNull(request, "request");
        }
    }

    /** Give the model extra context; texts of all hooks are concatenated in order. */
    record AddContext(String text) implements HookDecision {
        public AddContext {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Stop the agent: the current turn ends now with this reason. */
    record Stop(String reason) implements HookDecision {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Several decisions of one hook, applied in order. Never nested. */
    record All(List<HookDecision> parts) implements HookDecision {
        public All {
            List<HookDecision> flat = new ArrayList<>();
            for (HookDecision d : parts) {
                if (d instanceof All all) {
                    flat.addAll(all.parts());
                } else {
                    flat.add(Objects.requireNonNull(d, "decision"));
                }
            }
            parts = List.copyOf(flat);
        }
    }

    HookDecision NO_OPINION = new NoOpinion();

    /** This decision followed by {@code next}. */
    default HookDecision and(HookDecision next) {
        return new All(List.of(this, next));
    }

    /** The single decisions this one consists of, in order. */
    default List<HookDecision> parts() {
        return this instanceof All all ? all.parts() : List.of(this);
    }

    static HookDecision noOpinion() {
        return NO_OPINION;
    }

    static HookDecision allow(String reason) {
        return new Allow(reason);
    }

    static HookDecision deny(String reason) {
        return new Deny(reason);
    }

    static HookDecision ask(String reason) {
        return new Ask(reason);
    }

    static HookDecision modifyInput(JsonNode input) {
        return new ModifyInput(input);
    }

    static HookDecision modifyRequest(LlmRequest request) {
        return new ModifyRequest(request);
    }

    static HookDecision addContext(String text) {
        return new AddContext(text);
    }

    static HookDecision stop(String reason) {
        return new Stop(reason);
    }

    /** For Stop and SubagentStop hooks: the same as {@link #deny}, named for what it means there. */
    static HookDecision keepWorking(String instruction) {
        return new Deny(instruction);
    }
}
