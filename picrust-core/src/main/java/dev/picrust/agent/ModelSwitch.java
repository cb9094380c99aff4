package dev.picrust.agent;

import dev.picrust.llm.LlmProvider;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model change asked for through the handle, waiting for the next turn boundary: a turn never
 * changes model halfway. The last request before the boundary wins.
 */
final class ModelSwitch {
    /** The provider and model to switch to. */
    record Target(LlmProvider provider, String model) {
        Target {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(model, "model");
            if (model.isBlank()) {
                throw new IllegalArgumentException("model must not be blank");
            }
        }
    }

    private final AtomicReference<Optional<Target>> requested = new AtomicReference<>(Optional.empty());

    /** Any thread. */
    void request(Target target) {
        requested.set(Optional.of(target));
    }

    /** The agent's thread, at a turn boundary: the request, if any, now taken. */
    Optional<Target> take() {
        return requested.get().isEmpty() ? Optional.empty() : requested.getAndSet(Optional.empty());
    }
}
