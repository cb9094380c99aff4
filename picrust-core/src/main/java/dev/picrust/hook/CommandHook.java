package dev.picrust.hook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A hook that is an external command, run as {@code bash -c <command>} in the agent's working
 * directory with the event JSON ({@link HookInput#toJson()}) on stdin. The protocol follows Claude
 * Code's command hooks:
 *
 * <ul>
 *   <li>exit 0: stdout, if any, is a JSON object: {@code {"decision":"block"|"approve", "reason",
 *       "continue": false, "stopReason", "hookSpecificOutput": {"permissionDecision":
 *       "allow"|"deny"|"ask", "permissionDecisionReason", "updatedInput", "additionalContext"}}}.
 *       For UserPromptSubmit and SessionStart, plain (non-JSON) stdout is context for the model.</li>
 *   <li>exit 2: block, with stderr as the reason (for Stop events: keep working).</li>
 *   <li>any other exit status, unreadable JSON, or overrunning the timeout: a hook failure, handled
 *       by the registration's failure policy. On timeout the whole process tree is killed.</li>
 * </ul>
 *
 * <p>Output goes to temporary files, not pipes, so a background process the command leaves behind
 * cannot hold the hook open.
 */
final class CommandHook implements Hook {
    private static final int MAX_OUTPUT_BYTES = 1 << 20;

    private final String command;
    private final Duration timeout;
    private final java.util.Map<String, String> environment;

    public CommandHook(String command, Duration timeout) {
        this(command, timeout, java.util.Map.of());
    }

    /** {@code environment}: variables set for the command over the process's own (the settings files' {@code env}). */
    CommandHook(String command, Duration timeout, java.util.Map<String, String> environment) {
        this.command = Objects.requireNonNull(command, "command");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.environment = java.util.Map.copyOf(environment);
        if (command.isBlank()) {
            throw new IllegalArgumentException("command hook needs a command");
        }
    }

    public String command() {
        return command;
    }

    public Duration timeout() {
        return timeout;
    }

    /** A command hook failing in a way its failure policy must handle. */
    public static final class CommandHookException extends Exception {
        private final HookFailure.Kind kind;

        CommandHookException(HookFailure.Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public HookFailure.Kind kind() {
            return kind;
        }
    }

    @Override
    public HookDecision apply(HookInput input) throws Exception {
        Path stdout = Files.createTempFile("picrust-hook-", ".out");
        Path stderr = Files.createTempFile("picrust-hook-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            File cwd = input.context().workingDirectory().toFile();
            if (cwd.isDirectory()) {
                builder.directory(cwd);
            }
            builder.environment().putAll(environment);
            builder.environment().put("PICRUST_HOOK_EVENT", input.event().wireName());
            builder.environment().put("PICRUST_SESSION_ID", input.sessionId());
            builder.environment().put("PICRUST_PROJECT_DIR", input.context().workingDirectory().toString());
            Process process = builder.start();
            try {
                writeStdin(process, Json.write(input.toJson()));
                if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    killTree(process);
                    throw new CommandHookException(HookFailure.Kind.TIMED_OUT,
                            "command timed out after " + HookRegistry.format(timeout) + " and was killed: " + command);
                }
            } catch (InterruptedException e) {
                killTree(process);
                throw e;
            }
            return interpret(input.event(), process.exitValue(), read(stdout), read(stderr));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** Reads a finished command's exit status and output as a decision. */
    static HookDecision interpret(HookEvent event, int exitCode, String stdout, String stderr)
            throws CommandHookException {
        if (exitCode == 2) {
            String reason = stderr.strip();
            return HookDecision.deny(reason.isEmpty() ? "blocked by hook (exit 2)" : reason);
        }
        if (exitCode != 0) {
            String detail = stderr.strip();
            throw new CommandHookException(HookFailure.Kind.COMMAND_FAILED,
                    "exit status " + exitCode + (detail.isEmpty() ? "" : ": " + abbreviate(detail)));
        }
        // Windows editors and PowerShell's Out-File put a byte order mark before the JSON.
        String out = (stdout.startsWith("\uFEFF") ? stdout.substring(1) : stdout).strip();
        if (out.isEmpty()) {
            return HookDecision.noOpinion();
        }
        if (!out.startsWith("{")) {
            if (event == HookEvent.USER_PROMPT_SUBMIT || event == HookEvent.SESSION_START) {
                return HookDecision.addContext(out);
            }
            if (event == HookEvent.PRE_TOOL_USE) {
                // A guard that printed a log line before its deny, or a JSON array, meant something:
                // reading it as "no decision" would let the call through.
                throw new CommandHookException(HookFailure.Kind.COMMAND_FAILED,
                        "stdout is not a JSON decision object (it must be empty or one JSON object, nothing"
                                + " before it): " + abbreviate(out));
            }
            return HookDecision.noOpinion();
        }
        JsonNode json;
        try {
            json = Json.parse(out);
        } catch (JsonProcessingException e) {
            throw new CommandHookException(HookFailure.Kind.COMMAND_FAILED,
                    "stdout is not valid JSON: " + abbreviate(out));
        }
        if (!json.isObject()) {
            throw new CommandHookException(HookFailure.Kind.COMMAND_FAILED,
                    "stdout is not a JSON object: " + abbreviate(out));
        }
        return decisionFrom(json);
    }

    private static HookDecision decisionFrom(JsonNode json) throws CommandHookException {
        List<HookDecision> parts = new ArrayList<>();
        String reason = json.path("reason").asText("");
        JsonNode decision = json.path("decision");
        if (!decision.isMissingNode() && !decision.isNull()) {
            switch (decision.asText()) {
                case "block" -> parts.add(HookDecision.deny(reason.isEmpty() ? "blocked by hook" : reason));
                case "approve", "allow" -> parts.add(HookDecision.allow(reason));
                default -> throw new CommandHookException(HookFailure.Kind.COMMAND_FAILED,
                        "unknown \"decision\": " + decision + " (expected \"block\" or \"approve\")");
            }
        }
        JsonNode specific = json.path("hookSpecificOutput");
        JsonNode permission = specific.path("permissionDecision");
        if (permission.isTextual()) {
            String why = specific.path("permissionDecisionReason").asText(reason);
            parts.add(switch (permission.asText()) {
                case "allow" -> HookDecision.allow(why);
                case "deny" -> HookDecision.deny(why.isEmpty() ? "denied by hook" : why);
                case "ask" -> HookDecision.ask(why);
                default -> throw new CommandHookException(HookFailure.Kind.COMMAND_FAILED,
                        "unknown permissionDecision: " + permission + " (expected allow, deny or ask)");
            });
        }
        JsonNode updated = specific.path("updatedInput");
        if (!updated.isMissingNode() && !updated.isNull()) {
            parts.add(HookDecision.modifyInput(updated));
        }
        JsonNode context = specific.path("additionalContext");
        if (context.isTextual()) {
            parts.add(HookDecision.addContext(context.asText()));
        }
        if (json.path("continue").isBoolean() && !json.path("continue").asBoolean()) {
            parts.add(HookDecision.stop(json.path("stopReason").asText("stopped by hook")));
        }
        return parts.isEmpty() ? HookDecision.noOpinion() : new HookDecision.All(parts);
    }

    private static void writeStdin(Process process, String json) {
        try (OutputStream in = process.getOutputStream()) {
            in.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The command exited or closed stdin without reading it; that is its right.
        }
    }

    /** Kills the command and everything it started. Children are listed first: once the shell dies they are orphans. */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }

    @Override
    public String toString() {
        return "command: " + command;
    }
}
