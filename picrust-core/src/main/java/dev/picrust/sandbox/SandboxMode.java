package dev.picrust.sandbox;

import java.util.Locale;
import java.util.Optional;

/** Whether an agent's shell commands run in an OS sandbox. */
public enum SandboxMode {
    /** Never: commands run with the agent process's full rights. */
    OFF,
    /**
     * For headless agents (nobody answers approvals) where the sandbox is available; when it is not,
     * commands run unsandboxed after a one-line notice. Interactive agents run unsandboxed.
     */
    AUTO,
    /** Always; if the sandbox cannot run here, shell commands are refused rather than run unconfined. */
    ON;

    /** Whether an agent's shell commands are to be confined in this mode; {@code headless}: nobody answers approvals. */
    public boolean confines(boolean headless) {
        return this == ON || (this == AUTO && headless);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SandboxMode> parse(String text) {
        for (SandboxMode m : values()) {
            if (m.name().equalsIgnoreCase(text.strip())) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
