package dev.picrust.permission;

import java.util.Objects;
import java.util.Optional;

/**
 * One word of a shell command as the shell would see it after expansion. {@code value} is present
 * only when the analyser knows the word exactly (quotes and backslashes removed, no expansion, no
 * pathname pattern); {@code source} is the text as written, used in messages and glob rules.
 */
record ShellWord(Optional<String> value, String source) {
    ShellWord {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
    }

    static ShellWord literal(String value, String source) {
        return new ShellWord(Optional.of(value), source);
    }

    static ShellWord dynamic(String source) {
        return new ShellWord(Optional.empty(), source);
    }

    boolean isLiteral() {
        return value.isPresent();
    }

    /** The value if known, else the source: what glob rules and messages show. */
    String text() {
        return value.orElse(source);
    }
}
