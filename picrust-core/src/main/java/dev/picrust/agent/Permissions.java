package dev.picrust.agent;

import dev.picrust.event.PermissionBehavior;
import dev.picrust.permission.PermissionMode;
import dev.picrust.permission.PermissionPolicy;
import dev.picrust.permission.PermissionRule;
import dev.picrust.permission.RuleSet;
import dev.picrust.permission.RuleStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * How an agent's tool calls are permitted: the mode, rules given in code or flags (the CONFIG tier),
 * the store of persisted LOCAL/GLOBAL rules, and how long an unanswered request may wait before it
 * becomes a deny. Each agent builds its own {@link PermissionPolicy} from this, so session-tier rules
 * never leak between agents. A subagent's permissions also carry its parent's policy as a
 * {@code ceiling} (set by {@code Subagents}): nothing the parent would deny or ask about runs in the
 * child without that same deny or question.
 */
public record Permissions(PermissionMode mode, RuleSet rules, Optional<RuleStore> store,
                          Optional<Duration> approvalTimeout, Optional<PermissionPolicy.Ceiling> ceiling) {
    public Permissions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(approvalTimeout, "approvalTimeout");
        Objects.requireNonNull(ceiling, "ceiling");
    }

    /** Permissions of an agent nobody started: no ceiling. */
    public Permissions(PermissionMode mode, RuleSet rules, Optional<RuleStore> store, Optional<Duration> approvalTimeout) {
        this(mode, rules, store, approvalTimeout, Optional.empty());
    }

    /** Default mode, no rules, nothing persisted: read-only tools run, others ask (or are denied headless). */
    public static Permissions defaults() {
        return new Permissions(PermissionMode.DEFAULT, RuleSet.EMPTY, Optional.empty(), Optional.empty());
    }

    public Permissions withMode(PermissionMode newMode) {
        return new Permissions(newMode, rules, store, approvalTimeout, ceiling);
    }

    public Permissions withStore(RuleStore newStore) {
        return new Permissions(mode, rules, Optional.of(newStore), approvalTimeout, ceiling);
    }

    public Permissions withApprovalTimeout(Duration timeout) {
        return new Permissions(mode, rules, store, Optional.of(timeout), ceiling);
    }

    /**
     * These permissions bounded by a parent's: the mode becomes the parent's if that permits less
     * ({@link PermissionMode#atMost}), and the parent's policy becomes the ceiling (replacing any
     * ceiling these had: the parent's policy carries its own).
     */
    public Permissions under(PermissionPolicy.Ceiling parent) {
        return new Permissions(mode.atMost(parent.mode()), rules, store, approvalTimeout, Optional.of(parent));
    }

    /** The policy an agent with these permissions decides by. */
    public PermissionPolicy policy(java.nio.file.Path userHome) {
        PermissionPolicy own = new PermissionPolicy(store, rules, userHome);
        return ceiling.map(own::under).orElse(own);
    }

    /** Adds rules such as {@code Bash(git:*)} or {@code Read(src/**)} with the given behaviour. */
    public Permissions with(PermissionBehavior behavior, String... ruleTexts) {
        RuleSet more = rules;
        for (PermissionRule rule : Arrays.stream(ruleTexts).map(PermissionRule::parse).toList()) {
            more = more.with(behavior, rule);
        }
        return new Permissions(mode, more, store, approvalTimeout, ceiling);
    }

    public Permissions allow(String... ruleTexts) {
        return with(PermissionBehavior.ALLOW, ruleTexts);
    }

    public Permissions ask(String... ruleTexts) {
        return with(PermissionBehavior.ASK, ruleTexts);
    }

    public Permissions deny(String... ruleTexts) {
        return with(PermissionBehavior.DENY, ruleTexts);
    }
}
