package dev.picrust.permission;

/** Where a rule lives. Precedence does not depend on the tier: any deny wins, then ask, then allow. */
public enum PermissionTier {
    /** This agent session only; in memory. "Always allow for this session" answers go here. */
    SESSION("session"),
    /** Every agent of one agent type; persisted in {@code <home>/permissions/agents/<agentType>.json}. */
    LOCAL("local"),
    /** Every agent of the runtime; persisted in {@code <home>/permissions/global.json}. */
    GLOBAL("global"),
    /** From settings files and command-line flags; read-only, given when the policy is built. */
    CONFIG("config");

    private final String wireName;

    PermissionTier(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static java.util.Optional<PermissionTier> parse(String text) {
        for (PermissionTier t : values()) {
            if (t.wireName.equalsIgnoreCase(text)) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }
}
