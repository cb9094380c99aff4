package dev.picrust.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How an agent's shell commands are confined. {@code network}: false cuts the sandbox off every
 * network (loopback included). {@code writable}: folders writable besides the working directory and
 * the sandbox's private {@code /tmp}.
 */
public record SandboxSettings(SandboxMode mode, boolean network, List<Path> writable) {
    public SandboxSettings {
        Objects.requireNonNull(mode, "mode");
        writable = writable.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** {@link SandboxMode#AUTO}, network on, nothing extra writable. */
    public static SandboxSettings defaults() {
        return new SandboxSettings(SandboxMode.AUTO, true, List.of());
    }

    public SandboxSettings withMode(SandboxMode newMode) {
        return new SandboxSettings(newMode, network, writable);
    }

    public SandboxSettings withNetwork(boolean on) {
        return new SandboxSettings(mode, on, writable);
    }

    public SandboxSettings withWritable(List<Path> folders) {
        return new SandboxSettings(mode, network, folders);
    }

    /**
     * These settings as changed by the {@code "sandbox"} object of settings files, in order (later
     * files win; {@code writable} folders add up):
     * {@code {"sandbox": {"mode": "auto"|"on"|"off", "network": true, "writable": ["/data/cache"]}}}.
     * Relative folders are relative to {@code projectDirectory}. Missing files are skipped; a file
     * that is not JSON, or a mode that does not exist, is an error naming the file.
     */
    public SandboxSettings withFiles(List<Path> files, Path projectDirectory) {
        SandboxSettings result = this;
        for (Path file : files) {
            if (!java.nio.file.Files.isRegularFile(file)) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode sandbox;
            try {
                sandbox = dev.picrust.json.Json.parse(java.nio.file.Files.readString(file)).path("sandbox");
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("settings file " + file + " cannot be read as JSON: " + e.getMessage(), e);
            }
            if (sandbox.path("mode").isTextual()) {
                String text = sandbox.path("mode").asText();
                result = result.withMode(SandboxMode.parse(text).orElseThrow(() -> new IllegalArgumentException(
                        file + ": unknown sandbox mode \"" + text + "\" (auto, on, off)")));
            }
            if (sandbox.path("network").isBoolean()) {
                result = result.withNetwork(sandbox.path("network").asBoolean());
            }
            List<Path> writable = new java.util.ArrayList<>(result.writable());
            sandbox.path("writable").forEach(w -> writable.add(projectDirectory.resolve(w.asText())));
            result = result.withWritable(writable);
        }
        return result;
    }
}
