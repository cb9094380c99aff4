package dev.picrust.llm;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The wire protocol a configured provider speaks. Names follow Pi's {@code models.json}. */
public enum ApiKind {
    ANTHROPIC_MESSAGES("anthropic-messages", "anthropic"),
    OPENAI_COMPLETIONS("openai-completions", "openai"),
    GOOGLE_GENERATIVE_AI("google-generative-ai", "gemini");

    private final String wire;
    private final String alias;

    ApiKind(String wire, String alias) {
        this.wire = wire;
        this.alias = alias;
    }

    public String wire() {
        return wire;
    }

    /** Reads a name as written in {@code models.json}: the full name or the short one ({@code openai}). */
    public static Optional<ApiKind> parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.wire.equals(n) || k.alias.equals(n)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ApiKind::wire).toList();
    }
}
