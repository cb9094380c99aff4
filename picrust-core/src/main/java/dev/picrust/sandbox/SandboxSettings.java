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
}
