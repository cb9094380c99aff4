package dev.picrust.permission;

import java.util.Optional;

/** How permissive an agent is, on top of its rules. Deny rules and hooks apply in every mode. */
public enum PermissionMode {
    /** Rules decide; read-only tools are allowed; anything undecided is asked. */
    DEFAULT("default"),
    /** As default, and file edits (Write, Edit, MultiEdit, NotebookEdit) inside the working directory are allowed. */
    ACCEPT_EDITS("acceptEdits"),
    /** Only read-only tools may run; everything else is denied. */
    PLAN("plan"),
    /** Everything is allowed except what a deny rule, an ask rule or a hook stops. Explicit opt-in. */
    BYPASS_PERMISSIONS("bypassPermissions");

    private final String wireName;

    PermissionMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * This mode, or {@code ceiling} if that permits less: what a subagent runs in under its parent.
     * From least to most permissive: plan, default, acceptEdits, bypassPermissions (each allows all
     * the one before it does), so a child of a plan-mode parent stays in plan and a child of a
     * default-mode parent cannot become acceptEdits or bypassPermissions.
     */
    public PermissionMode atMost(PermissionMode ceiling) {
        return ceiling.permissiveness() < permissiveness() ? ceiling : this;
    }

    private int permissiveness() {
        return switch (this) {
            case PLAN -> 0;
            case DEFAULT -> 1;
            case ACCEPT_EDITS -> 2;
            case BYPASS_PERMISSIONS -> 3;
        };
    }

    /** Accepts the wire name ({@code acceptEdits}) or the constant name ({@code ACCEPT_EDITS}). */
    public static Optional<PermissionMode> parse(String text) {
        for (PermissionMode m : values()) {
            if (m.wireName.equalsIgnoreCase(text) || m.name().equalsIgnoreCase(text)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
