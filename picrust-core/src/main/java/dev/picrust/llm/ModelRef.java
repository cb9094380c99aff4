package dev.picrust.llm;

import java.util.Objects;

/** A model as the history knows it: the API it was reached through and its name. */
public record ModelRef(ApiKind api, String model) {
    public ModelRef {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(model, "model");
    }
}
