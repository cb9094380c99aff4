package dev.picrust.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.hook.HookSettings;
import dev.picrust.json.Json;
import dev.picrust.llm.HttpSettings;
import dev.picrust.permission.PermissionMode;
import dev.picrust.permission.PermissionSettings;
import dev.picrust.permission.RuleSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.picrust.secret.Redactor;
import dev.picrust.secret.ToolEnvironment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings files the CLI honours, lowest precedence first: {@code <home>/settings.json} (the user's),
 * {@code <project>/.picrust/settings.json} (shared with the team), {@code <project>/.picrust/settings.local.json}
 * (this machine's). Rules and hooks of every file add up (a deny anywhere wins, as always); the model and
 * the permission mode, and each provider timeout, come from the last file that sets them; flags override files.
 * {@code "env"} variables add up by name, a later file's value winning, and win over the process's own environment.
 */
record Settings(List<Layer> layers) {

    /** One file: what it says, or that it is absent. */
    record Layer(Path file, boolean present, PermissionSettings permissions, HookSettings hooks,
                 Optional<String> model, Timeouts timeouts, Map<String, String> env) {}

    /**
     * The provider deadlines a file sets ({@code "timeouts": {"connect": 10, "firstByte": 30, "idle": 120,
     * "attempt": 600}}, in seconds); each from the last file that sets it.
     */
    record Timeouts(Optional<Duration> connect, Optional<Duration> firstByte, Optional<Duration> idle,
                    Optional<Duration> attempt) {
        static final Timeouts NONE = new Timeouts(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        static final List<String> KEYS = List.of("connect", "firstByte", "idle", "attempt");

        Optional<Duration> get(String key) {
            return switch (key) {
                case "connect" -> connect;
                case "firstByte" -> firstByte;
                case "idle" -> idle;
                default -> attempt;
            };
        }

        /** {@code base} with every deadline this sets. */
        HttpSettings applyTo(HttpSettings base) {
            HttpSettings http = base;
            http = connect.map(http::withConnectTimeout).orElse(http);
            http = firstByte.map(http::withFirstByteTimeout).orElse(http);
            http = idle.map(http::withIdleTimeout).orElse(http);
            return attempt.map(http::withAttemptTimeout).orElse(http);
        }

        static Timeouts parse(JsonNode root, Path file) {
            JsonNode node = root.path("timeouts");
            if (node.isMissingNode()) {
                return NONE;
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException(file + ": \"timeouts\" must be an object of seconds");
            }
            node.fieldNames().forEachRemaining(name -> {
                if (!KEYS.contains(name)) {
                    throw new IllegalArgumentException(file + ": unknown timeout \"" + name + "\" (known: "
                            + String.join(", ", KEYS) + ")");
                }
            });
            return new Timeouts(seconds(node, "connect", file), seconds(node, "firstByte", file),
                    seconds(node, "idle", file), seconds(node, "attempt", file));
        }

        private static Optional<Duration> seconds(JsonNode node, String key, Path file) {
            JsonNode value = node.path(key);
            if (value.isMissingNode()) {
                return Optional.empty();
            }
            if (!value.isNumber() || value.asDouble() <= 0) {
                throw new IllegalArgumentException(file + ": timeouts." + key + " must be a positive number of seconds");
            }
            return Optional.of(Duration.ofMillis(Math.max(1, Math.round(value.asDouble() * 1000))));
        }
    }

    static Settings load(Path home, Path project) {
        List<Layer> layers = new ArrayList<>();
        for (Path file : PermissionSettings.standardFiles(home, project)) {
            layers.add(read(file));
        }
        return new Settings(List.copyOf(layers));
    }

    RuleSet rules() {
        RuleSet rules = RuleSet.EMPTY;
        for (Layer layer : layers) {
            rules = rules.plus(layer.permissions().rules());
        }
        return rules;
    }

    Optional<PermissionMode> mode() {
        return last(layer -> layer.permissions().mode());
    }

    Optional<String> model() {
        return last(Layer::model);
    }

    /** The provider deadlines the files set over the defaults. */
    HttpSettings http() {
        Optional<Duration>[] values = Timeouts.KEYS.stream().map(key -> last(layer -> layer.timeouts().get(key)))
                .toArray(Optional[]::new);
        return new Timeouts(values[0], values[1], values[2], values[3]).applyTo(HttpSettings.DEFAULTS);
    }

    /** The {@code "env"} variables of every file, a later file's value winning. */
    Map<String, String> env() {
        Map<String, String> env = new TreeMap<>();
        layers.forEach(layer -> env.putAll(layer.env()));
        return env;
    }

    /** The file whose value of {@code name} wins. */
    Optional<Path> envSource(String name) {
        return source(layer -> Optional.ofNullable(layer.env().get(name)));
    }

    /**
     * {@code process} with the settings' variables over it: what provider configuration reads
     * ({@code OPENAI_BASE_URL}, keys). A key set there is known to the redactor from then on.
     */
    Map<String, String> environment(Map<String, String> process) {
        Map<String, String> merged = new HashMap<>(process);
        env().forEach((name, value) -> {
            if (isSecret(name, value)) {
                Redactor.shared().register(value);
            }
            merged.put(name, value);
        });
        return merged;
    }

    /**
     * Whether a settings variable holds a credential (masked by {@code picrust config}, hidden from every
     * output): named like one ({@code *_API_KEY}, {@code *TOKEN}, ...) or shaped like one. Narrower than the
     * tool environment's rule, which also drops {@code OPENAI_BASE_URL}-style provider variables.
     */
    static boolean isSecret(String name, String value) {
        return ToolEnvironment.isCredentialName(name) || Redactor.shared().isSecret(value);
    }

    HookSettings hooks() {
        List<HookSettings.Entry> entries = new ArrayList<>();
        layers.forEach(layer -> entries.addAll(layer.hooks().entries()));
        return new HookSettings(entries);
    }

    /** The file that sets {@code value} last, i.e. the one that wins. */
    <T> Optional<Path> source(java.util.function.Function<Layer, Optional<T>> value) {
        Optional<Path> source = Optional.empty();
        for (Layer layer : layers) {
            if (value.apply(layer).isPresent()) {
                source = Optional.of(layer.file());
            }
        }
        return source;
    }

    private <T> Optional<T> last(java.util.function.Function<Layer, Optional<T>> value) {
        Optional<T> found = Optional.empty();
        for (Layer layer : layers) {
            Optional<T> v = value.apply(layer);
            if (v.isPresent()) {
                found = v;
            }
        }
        return found;
    }

    private static Map<String, String> env(JsonNode env, Path file) {
        if (env.isMissingNode()) {
            return Map.of();
        }
        if (!env.isObject()) {
            throw new IllegalArgumentException(file + ": \"env\" must be an object of NAME: \"value\"");
        }
        Map<String, String> variables = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : env.properties()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException(file + ": \"env\" has an invalid variable name '" + e.getKey() + "'");
            }
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new IllegalArgumentException(file + ": \"env\"." + e.getKey() + " must be a string, number or boolean");
            }
            variables.put(e.getKey(), e.getValue().asText());
        }
        return Map.copyOf(variables);
    }

    private static Layer read(Path file) {
        if (!Files.isRegularFile(file)) {
            return new Layer(file, false, new PermissionSettings(RuleSet.EMPTY, Optional.empty()),
                    HookSettings.empty(), Optional.empty(), Timeouts.NONE, Map.of());
        }
        JsonNode root;
        try {
            root = Json.parse(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new CliException("settings file " + file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read settings file " + file, e);
        }
        if (!root.isObject()) {
            throw new CliException("settings file " + file + " must hold a JSON object");
        }
        try {
            JsonNode model = root.path("model");
            if (!model.isMissingNode() && !model.isTextual()) {
                throw new IllegalArgumentException(file + ": \"model\" must be a string");
            }
            return new Layer(file, true, PermissionSettings.parse(root, file), HookSettings.parse(root, file),
                    model.isTextual() && !model.asText().isBlank() ? Optional.of(model.asText()) : Optional.empty(),
                    Timeouts.parse(root, file), env(root.path("env"), file));
        } catch (IllegalArgumentException e) {
            throw new CliException("settings: " + e.getMessage());
        }
    }
}
