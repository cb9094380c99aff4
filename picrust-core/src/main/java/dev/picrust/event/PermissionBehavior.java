package dev.picrust.event;

import java.util.Optional;

/** What a rule or hook says about a tool call. Ordered by strength: deny beats ask beats allow. */
public enum PermissionBehavior {
    ALLOW("allow"),
    ASK("ask"),
    DENY("deny");

    private final String wireName;

    PermissionBehavior(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** True if this wins over {@code other} when both apply. */
    public boolean strongerThan(PermissionBehavior other) {
        return ordinal() > other.ordinal();
    }

    public static Optional<PermissionBehavior> parse(String text) {
        for (PermissionBehavior b : values()) {
            if (b.wireName.equalsIgnoreCase(text)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }
}
