package dev.picrust.secret;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which environment variables a tool's process (Bash, background shells) inherits. By default every
 * variable that is named like a credential ({@code ANTHROPIC_API_KEY}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code GITHUB_TOKEN}, ...) or whose value is shaped like one is removed: a model that can run
 * {@code env} or {@code curl -d "$OPENAI_API_KEY"} must not hold the operator's keys. {@code pass}
 * names variables the operator chooses to hand over anyway.
 */
public record ToolEnvironment(Set<String> pass) {
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(API_?KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_?KEY|ACCESS_?KEY|SESSION_?KEY|AUTH_?KEY).*");
    private static final Set<String> SECRET_PREFIXES = Set.of("ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_API",
            "GOOGLE_APPLICATION_CREDENTIALS", "AWS_", "AZURE_", "MISTRAL_", "GROQ_", "COHERE_", "DEEPSEEK_",
            "XAI_", "OPENROUTER_", "HF_", "HUGGING_FACE_", "TOGETHER_");

    public ToolEnvironment {
        pass = Set.copyOf(new TreeSet<>(Objects.requireNonNull(pass, "pass")));
    }

    /** Removes every credential-like variable. */
    public static ToolEnvironment defaults() {
        return new ToolEnvironment(Set.of());
    }

    /** The same, passing these variables through as they are. */
    public ToolEnvironment passing(Set<String> names) {
        Set<String> all = new TreeSet<>(pass);
        all.addAll(names);
        return new ToolEnvironment(all);
    }

    /** True if a variable of this name is presumed to hold a credential. */
    public static boolean isSecretName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return SECRET_NAME.matcher(upper).matches() || SECRET_PREFIXES.stream().anyMatch(upper::startsWith);
    }

    /** Removes, in place, what a tool must not inherit from {@code environment}. */
    public void scrub(Map<String, String> environment) {
        environment.entrySet().removeIf(e -> !pass.contains(e.getKey())
                && (isSecretName(e.getKey()) || Redactor.shared().isSecret(e.getValue())));
    }
}
