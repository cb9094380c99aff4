package dev.picrust.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * Command hooks declared in settings files, in Claude Code's shape:
 *
 * <pre>{@code
 * {"hooks": {"PreToolUse": [
 *     {"matcher": "Bash", "hooks": [{"type": "command", "command": "./check.sh", "timeout": 30,
 *                                    "onFailure": "block"}]}]}}
 * }</pre>
 *
 * {@code timeout} is in seconds (default 60). {@code onFailure} is {@code block} (fail closed) or
 * {@code continue} (fail open); without it the event's default applies. A misspelt event name, a
 * bad matcher or an unknown hook type is an error, not a silent no-op: a guard that never runs is
 * worse than a settings file that does not load.
 */
public record HookSettings(List<Entry> entries) {

    /** One declared command hook. {@code source} is the file it came from. */
    public record Entry(HookEvent event, String matcher, String command, Duration timeout,
                        Optional<FailurePolicy> failurePolicy, Path source) {
        public Entry {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(matcher, "matcher");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(failurePolicy, "failurePolicy");
            Objects.requireNonNull(source, "source");
        }
    }

    public HookSettings {
        entries = List.copyOf(entries);
    }

    public static HookSettings empty() {
        return new HookSettings(List.of());
    }

    /** Reads the files in order (e.g. user, then project settings); files that do not exist are skipped. */
    public static HookSettings load(Path... files) {
        return load(List.of(files));
    }

    public static HookSettings load(List<Path> files) {
        List<Entry> entries = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode root;
            try {
                root = Json.parse(Files.readString(file));
            } catch (IOException e) {
                if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                    throw new IllegalArgumentException("settings file " + file + " is not valid JSON: "
                            + e.getMessage(), e);
                }
                throw new UncheckedIOException("cannot read settings file " + file, e);
            }
            entries.addAll(parse(root, file).entries());
        }
        return new HookSettings(entries);
    }

    /** Reads the {@code hooks} object of one settings document. */
    public static HookSettings parse(JsonNode settings, Path source) {
        List<Entry> entries = new ArrayList<>();
        JsonNode hooks = settings.path("hooks");
        if (hooks.isMissingNode() || hooks.isNull()) {
            return new HookSettings(entries);
        }
        if (!hooks.isObject()) {
            throw invalid(source, "\"hooks\" must be an object");
        }
        for (Map.Entry<String, JsonNode> e : hooks.properties()) {
            HookEvent event = HookEvent.fromWire(e.getKey()).orElseThrow(() -> invalid(source,
                    "unknown hook event \"" + e.getKey() + "\"; known: " + knownEvents()));
            if (!e.getValue().isArray()) {
                throw invalid(source, "hooks." + e.getKey() + " must be an array of matcher groups");
            }
            for (JsonNode group : e.getValue()) {
                String matcher = group.path("matcher").asText("");
                try {
                    HookRegistration.compileMatcher(matcher);
                } catch (PatternSyntaxException ex) {
                    throw invalid(source, "bad matcher \"" + matcher + "\" for " + e.getKey() + ": "
                            + ex.getDescription());
                }
                for (JsonNode hook : group.path("hooks")) {
                    entries.add(entry(event, matcher, hook, source));
                }
            }
        }
        return new HookSettings(entries);
    }

    private static Entry entry(HookEvent event, String matcher, JsonNode hook, Path source) {
        String type = hook.path("type").asText("command");
        if (!type.equals("command")) {
            throw invalid(source, "hook type \"" + type + "\" is not supported (only \"command\")");
        }
        String command = hook.path("command").asText("");
        if (command.isBlank()) {
            throw invalid(source, event.wireName() + " command hook without a \"command\"");
        }
        JsonNode t = hook.path("timeout");
        Duration timeout = HookRegistry.DEFAULT_TIMEOUT;
        if (t.isNumber()) {
            if (t.asDouble() <= 0) {
                throw invalid(source, "hook timeout must be positive: " + t);
            }
            timeout = Duration.ofMillis(Math.round(t.asDouble() * 1000));
        }
        Optional<FailurePolicy> policy = switch (hook.path("onFailure").asText("")) {
            case "" -> Optional.empty();
            case "block" -> Optional.of(FailurePolicy.FAIL_CLOSED);
            case "continue" -> Optional.of(FailurePolicy.FAIL_OPEN);
            default -> throw invalid(source, "onFailure must be \"block\" or \"continue\", got "
                    + hook.path("onFailure"));
        };
        return new Entry(event, matcher, command, timeout, policy, source);
    }

    /** Registers every entry as a {@link CommandHook}, in file order. */
    public List<HookRegistration> registerInto(HookRegistry registry) {
        return registerInto(registry, java.util.Map.of());
    }

    /**
     * As {@link #registerInto(HookRegistry)}, each command run with {@code environment} set over the
     * process's own variables (the settings files' {@code "env"}: hooks see what the user configured,
     * as they see the rest of the user's environment).
     */
    public List<HookRegistration> registerInto(HookRegistry registry, java.util.Map<String, String> environment) {
        List<HookRegistration> registered = new ArrayList<>();
        for (Entry e : entries) {
            HookOptions options = HookOptions.defaults().named("command: " + e.command()).timeout(e.timeout());
            if (e.failurePolicy().isPresent()) {
                options = options.failurePolicy(e.failurePolicy().get());
            }
            registered.add(registry.register(e.event(), e.matcher(), new CommandHook(e.command(), e.timeout(), environment), options));
        }
        return registered;
    }

    private static IllegalArgumentException invalid(Path source, String message) {
        return new IllegalArgumentException(source + ": " + message);
    }

    private static String knownEvents() {
        return String.join(", ", java.util.Arrays.stream(HookEvent.values()).map(HookEvent::wireName).toList());
    }
}
