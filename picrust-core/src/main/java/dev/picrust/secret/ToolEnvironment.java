package dev.picrust.secret;

import dev.picrust.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which environment variables a tool's process (Bash, background shells) inherits. By default every
 * variable that is named like a credential ({@code ANTHROPIC_API_KEY}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code GITHUB_TOKEN}, ...) or whose value is shaped like one is removed: a model that can run
 * {@code env} or {@code curl -d "$OPENAI_API_KEY"} must not hold the operator's keys. {@code pass}
 * names variables the operator chooses to hand over anyway. {@code set} adds variables of its own (the
 * settings files' {@code "env"}), before the same removal: a key put there reaches no tool unless passed.
 */
public record ToolEnvironment(Set<String> pass, Map<String, String> set) {
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(API_?KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_?KEY|ACCESS_?KEY|SESSION_?KEY|AUTH_?KEY).*");
    private static final Set<String> SECRET_PREFIXES = Set.of("ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_API",
            "GOOGLE_APPLICATION_CREDENTIALS", "AWS_", "AZURE_", "MISTRAL_", "GROQ_", "COHERE_", "DEEPSEEK_",
            "XAI_", "OPENROUTER_", "HF_", "HUGGING_FACE_", "TOGETHER_");

    public ToolEnvironment {
        pass = Set.copyOf(new TreeSet<>(Objects.requireNonNull(pass, "pass")));
        set = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(set, "set")));
    }

    public ToolEnvironment(Set<String> pass) {
        this(pass, Map.of());
    }

    /** Removes every credential-like variable. */
    public static ToolEnvironment defaults() {
        return new ToolEnvironment(Set.of());
    }

    /** The same, passing these variables through as they are. */
    public ToolEnvironment passing(Set<String> names) {
        Set<String> all = new TreeSet<>(pass);
        all.addAll(names);
        return new ToolEnvironment(all, set);
    }

    /** The same, also setting these variables (over inherited ones of the same name). */
    public ToolEnvironment setting(Map<String, String> variables) {
        Map<String, String> all = new TreeMap<>(set);
        all.putAll(variables);
        return new ToolEnvironment(pass, all);
    }

    /**
     * These settings plus the variables named by the {@code "toolEnvironment": {"pass": [...]}} object
     * of settings files, in order. Missing files are skipped; a file that is not JSON is an error.
     */
    public ToolEnvironment withFiles(List<Path> files) {
        Set<String> names = new TreeSet<>(pass);
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                Json.parse(Files.readString(file)).path("toolEnvironment").path("pass").forEach(n -> names.add(n.asText()));
            } catch (IOException e) {
                throw new IllegalArgumentException("settings file " + file + " cannot be read as JSON: " + e.getMessage(), e);
            }
        }
        return new ToolEnvironment(names, set);
    }

    /**
     * True if a tool must not inherit a variable of this name: one named like a credential, or any
     * variable of a provider's family ({@code ANTHROPIC_BASE_URL} tells a model where our keys go).
     */
    public static boolean isSecretName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return isCredentialName(upper) || SECRET_PREFIXES.stream().anyMatch(upper::startsWith);
    }

    /**
     * True if a variable of this name holds a credential itself, so its value is hidden wherever it
     * appears. Narrower than {@link #isSecretName}: the value of {@code ANTHROPIC_BASE_URL} or
     * {@code AWS_REGION} must stay readable in the errors that name it.
     */
    public static boolean isCredentialName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** Sets, in place, the configured variables in {@code environment}, then removes what a tool must not inherit. */
    public void scrub(Map<String, String> environment) {
        environment.putAll(set);
        environment.entrySet().removeIf(e -> !pass.contains(e.getKey())
                && (isSecretName(e.getKey()) || Redactor.shared().isSecret(e.getValue())));
    }
}
