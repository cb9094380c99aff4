package dev.picrust.llm.catalog;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One model a configured provider offers.
 *
 * @param id            the model name sent to the API
 * @param name          a display name (the id when none is given)
 * @param contextWindow input plus output tokens the model holds, when known
 * @param maxTokens     the most output tokens it produces in one answer, when known; the default
 *                      {@code max_tokens} of an agent using it
 * @param cost          prices, when known
 * @param reasoning     whether the model thinks before answering (takes a thinking budget)
 */
public record ModelSpec(String id, String name, OptionalInt contextWindow, OptionalInt maxTokens,
                        Optional<ModelCost> cost, boolean reasoning) {
    public ModelSpec {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("model id is empty");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contextWindow, "contextWindow");
        Objects.requireNonNull(maxTokens, "maxTokens");
        Objects.requireNonNull(cost, "cost");
    }

    /** A model known only by its id. */
    public static ModelSpec of(String id) {
        return new ModelSpec(id, id, OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), false);
    }
}
