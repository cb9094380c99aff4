package dev.picrust.permission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import dev.picrust.session.SessionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides whether a tool call may run. One policy per agent (it holds that agent's session rules);
 * the {@link RuleStore} behind it may be shared by the whole runtime. Thread-safe.
 *
 * <p>Order of evaluation ({@link #decide}):
 * <ol>
 *   <li>a PreToolUse hook's deny;</li>
 *   <li>deny rules of any tier (a compound command is denied if any command it can run matches,
 *       a redirection if its file matches a Write or Edit deny rule);</li>
 *   <li>plan mode: anything not read-only is denied;</li>
 *   <li>a call that would change protected settings ({@link ProtectedPaths}) asks, whatever the rules and mode;</li>
 *   <li>a Bash line the shell analyser cannot fully understand while a narrow deny or ask rule
 *       exists: ask ({@link ShellDecision#unprovable});</li>
 *   <li>ask rules of any tier, then a hook's ask;</li>
 *   <li>bypassPermissions mode allows; acceptEdits allows file edits inside the working directory;</li>
 *   <li>a hook's allow;</li>
 *   <li>allow rules of any tier (a Bash line needs every command and redirection allowed,
 *       {@link ShellDecision#allow});</li>
 *   <li>read-only tools are allowed;</li>
 *   <li>otherwise: ask.</li>
 * </ol>
 * So across tiers any deny wins, then ask, then allow, and a specific allow never carves an
 * exception out of a broader deny.
 *
 * <p>A subagent's policy has a {@link Ceiling}: its parent's policy. Whatever the parent's policy
 * would deny or ask about (its deny and ask rules of every tier, its mode, and in turn its own
 * parent's), the child's does too, whatever the child's own rules and mode say; the parent's allow
 * rules give the child nothing.
 */
public final class PermissionPolicy {
    private final Optional<RuleStore> store;
    private final RuleSet config;
    private final Path userHome;
    private final AtomicReference<RuleSet> session = new AtomicReference<>(RuleSet.EMPTY);
    private final Optional<Ceiling> ceiling;

    /**
     * The policy of the agent that started this one, as its children see it: {@code policy} decides
     * with the parent's {@code agentType} (whose LOCAL rules apply) and {@code mode}. Deny and ask
     * rules of every tier, plan mode, protected settings and the parent's own ceiling come through;
     * allow rules, modes that allow, and "always" answers given to the parent do not.
     */
    public record Ceiling(PermissionPolicy policy, String agentType, PermissionMode mode) {
        public Ceiling {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(agentType, "agentType");
            Objects.requireNonNull(mode, "mode");
        }

        /** What the parent would not let run on its own: a deny, or an ask a rule, mode or protected path made. */
        Optional<PermissionDecision> bound(PermissionQuery q) {
            PermissionDecision parent = policy.decide(new PermissionQuery(q.toolName(), q.input(), q.readOnly(),
                    q.workingDirectory(), agentType, mode));
            return switch (parent) {
                case PermissionDecision.Allow a -> Optional.empty();
                // "No rule allows it" is not a limit: the child's own allow rules may cover that call.
                case PermissionDecision.Ask a when a.source() instanceof DecisionSource.NoRule -> Optional.empty();
                case PermissionDecision.Ask a -> Optional.of(new PermissionDecision.Ask(inherited(a.reason()),
                        new DecisionSource.Parent(agentType, a.source())));
                case PermissionDecision.Deny d -> Optional.of(new PermissionDecision.Deny(inherited(d.reason()),
                        new DecisionSource.Parent(agentType, d.source())));
            };
        }

        private String inherited(String reason) {
            return reason + " (This is the rule of the agent that started this one, '" + DisplayText.escape(agentType)
                    + "': a subagent never gets more than its parent.)";
        }
    }

    /**
     * @param store  persisted LOCAL and GLOBAL tiers; empty for a policy that persists nothing
     * @param config rules from settings files and flags (the CONFIG tier)
     * @param userHome what {@code ~/} means in path rules
     */
    public PermissionPolicy(Optional<RuleStore> store, RuleSet config, Path userHome) {
        this(store, config, userHome, Optional.empty());
    }

    private PermissionPolicy(Optional<RuleStore> store, RuleSet config, Path userHome, Optional<Ceiling> ceiling) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.userHome = userHome.toAbsolutePath().normalize();
        this.ceiling = Objects.requireNonNull(ceiling, "ceiling");
    }

    public PermissionPolicy(RuleStore store, RuleSet config) {
        this(Optional.of(store), config, Path.of(System.getProperty("user.home")));
    }

    /** A policy with only session and config rules; remembering to LOCAL or GLOBAL fails. */
    public static PermissionPolicy inMemory(RuleSet config) {
        return new PermissionPolicy(Optional.empty(), config, Path.of(System.getProperty("user.home")));
    }

    /**
     * A new policy with the same store and config rules (and no session rules yet) that never allows
     * more than {@code parent}'s does: the policy of a subagent.
     */
    public PermissionPolicy under(Ceiling parent) {
        return new PermissionPolicy(store, config, userHome, Optional.of(parent));
    }

    public PermissionDecision decide(PermissionQuery q) {
        Optional<PermissionDecision> bound = ceiling.flatMap(c -> c.bound(q));
        if (bound.isPresent() && bound.get() instanceof PermissionDecision.Deny) {
            return bound.get();
        }
        PermissionDecision own = decideOwn(q);
        if (bound.isPresent() && !(own instanceof PermissionDecision.Deny)) {
            return bound.get();  // the parent's ask: the child's allow rules and mode do not answer it
        }
        return own;
    }

    private PermissionDecision decideOwn(PermissionQuery q) {
        Optional<HookRuling> hook = q.hookRuling();
        if (hook.isPresent() && hook.get().behavior() == PermissionBehavior.DENY) {
            return new PermissionDecision.Deny(hookReason(hook.get(), "Denied by hook"),
                    new DecisionSource.Hook(hook.get().hooks()));
        }
        Map<PermissionTier, RuleSet> tiers;
        try {
            tiers = rules(q.agentType());
        } catch (RuleStoreException e) {
            return new PermissionDecision.Deny("Permission denied for " + q.toolName()
                    + ": the permission rules could not be read (" + e.getMessage() + ").",
                    new DecisionSource.Failure(e.getMessage()));
        }
        ToolTarget target = ToolTarget.of(q.toolName(), q.input(), q.workingDirectory(), userHome);

        Optional<SubjectMatch> deny = anyMatch(tiers, PermissionBehavior.DENY, q, target);
        if (deny.isPresent()) {
            return new PermissionDecision.Deny("Permission denied: " + describe(q) + deny.get().what()
                    + " matches the deny rule " + deny.get().rule() + ".",
                    new DecisionSource.Rules(List.of(deny.get().rule())));
        }
        if (q.mode() == PermissionMode.PLAN && !q.readOnly()) {
            return new PermissionDecision.Deny("Plan mode: only read-only tools may run, and " + q.toolName()
                    + " can change things. Finish the plan and present it instead of acting.",
                    new DecisionSource.Mode(PermissionMode.PLAN));
        }
        Optional<String> guarded = protectedTarget(q, target);
        if (guarded.isPresent()) {
            return new PermissionDecision.Ask(describe(q) + " would change protected settings (" + guarded.get()
                    + "): rules files, settings, hook scripts and git config/hooks decide what this agent may do,"
                    + " so only a human can approve this, once. No rule or mode allows it.",
                    new DecisionSource.Protected(guarded.get()));
        }
        if (target.shell().isPresent()) {
            Optional<PermissionDecision.Ask> unprovable = ShellDecision.unprovable(target, tiers, q.toolName(), describe(q));
            if (unprovable.isPresent()) {
                return unprovable.get();
            }
        }
        Optional<SubjectMatch> ask = anyMatch(tiers, PermissionBehavior.ASK, q, target);
        if (ask.isPresent()) {
            return new PermissionDecision.Ask(describe(q) + " needs approval: it" + ask.get().what()
                    + " matches the ask rule " + ask.get().rule() + ".",
                    new DecisionSource.Rules(List.of(ask.get().rule())));
        }
        if (hook.isPresent() && hook.get().behavior() == PermissionBehavior.ASK) {
            return new PermissionDecision.Ask(hookReason(hook.get(), describe(q) + " needs approval (hook)"),
                    new DecisionSource.Hook(hook.get().hooks()));
        }
        if (q.mode() == PermissionMode.BYPASS_PERMISSIONS) {
            return new PermissionDecision.Allow("bypassPermissions mode", new DecisionSource.Mode(q.mode()));
        }
        if (q.mode() == PermissionMode.ACCEPT_EDITS && isEditInside(q, target)) {
            return new PermissionDecision.Allow("acceptEdits mode: edit inside the working directory",
                    new DecisionSource.Mode(q.mode()));
        }
        if (hook.isPresent() && hook.get().behavior() == PermissionBehavior.ALLOW) {
            return new PermissionDecision.Allow(hookReason(hook.get(), "Allowed by hook"),
                    new DecisionSource.Hook(hook.get().hooks()));
        }
        if (target.shell().isPresent()) {
            return ShellDecision.allow(q, target, tiers,
                    (behavior, subject) -> firstMatch(tiers, behavior, q, subject), describe(q));
        }
        Optional<List<MatchedRule>> allow = allMatch(tiers, q, target);
        if (allow.isPresent()) {
            return new PermissionDecision.Allow("allowed by rule", new DecisionSource.Rules(allow.get()));
        }
        if (q.readOnly()) {
            return new PermissionDecision.Allow("read-only tool", new DecisionSource.ReadOnlyTool());
        }
        return new PermissionDecision.Ask(describe(q) + " needs approval: no rule allows it.",
                new DecisionSource.NoRule());
    }

    /**
     * True if Read rules let an agent read {@code file}: what Grep, Glob and PresentFile ask for every
     * file they touch, since the check before their call saw only the folder they were given. A file
     * that a deny or ask rule covers is not readable this way (nobody can be asked per file).
     */
    public boolean mayRead(Path file, Path workingDirectory, String agentType, PermissionMode mode) {
        ObjectNode input = Json.object().put("file_path", file.toString());
        return decide(new PermissionQuery("Read", input, true, workingDirectory, agentType, mode)).allowed();
    }

    /**
     * Turns a human's answer into the decision for the call, saving "always" answers to the chosen
     * tier first (so a crash right after still remembers them).
     */
    public PermissionDecision applyAnswer(PermissionQuery q, PermissionAnswer answer) {
        boolean guarded = answer.allowed() && protectedTarget(q, ToolTarget.of(q.toolName(), q.input(),
                q.workingDirectory(), userHome)).isPresent();
        if (guarded) {
            // A rule saved now would never be consulted (protected calls always ask), and saying
            // "always" must not look as if it did: this approval is for this one call.
            return new PermissionDecision.Allow("approved by user for this call only (protected settings)",
                    new DecisionSource.User(PermissionAnswer.allowOnce().describe()));
        }
        if (answer.remember().isPresent()) {
            List<PermissionRule> rules = answer.rules().isEmpty()
                    ? (answer.allowed() ? PermissionRule.suggest(q.toolName(), q.input(), q.workingDirectory())
                            : List.of(PermissionRule.tool(q.toolName())))
                    : answer.rules();
            PermissionBehavior behavior = answer.allowed() ? PermissionBehavior.ALLOW : PermissionBehavior.DENY;
            for (PermissionRule rule : rules) {
                remember(rule, behavior, answer.remember().get(), q.agentType());
            }
        }
        DecisionSource source = new DecisionSource.User(answer.describe());
        if (answer.allowed()) {
            return new PermissionDecision.Allow("approved by user", source);
        }
        return new PermissionDecision.Deny("The user denied " + describe(q)
                + answer.message().filter(m -> !m.isBlank()).map(m -> ": " + m).orElse(".")
                , source);
    }

    /** Saves a rule to a tier: SESSION in memory, LOCAL (for {@code agentType}) and GLOBAL on disk. */
    public void remember(PermissionRule rule, PermissionBehavior behavior, PermissionTier tier, String agentType) {
        switch (tier) {
            case SESSION -> session.updateAndGet(r -> r.with(behavior, rule));
            case LOCAL, GLOBAL -> requireStore(tier).add(tier, agentType, behavior, rule);
            case CONFIG -> throw new IllegalArgumentException("config rules come from settings files and flags");
        }
    }

    public void forget(PermissionRule rule, PermissionBehavior behavior, PermissionTier tier, String agentType) {
        switch (tier) {
            case SESSION -> session.updateAndGet(r -> r.without(behavior, rule));
            case LOCAL, GLOBAL -> requireStore(tier).remove(tier, agentType, behavior, rule);
            case CONFIG -> throw new IllegalArgumentException("config rules come from settings files and flags");
        }
    }

    /** Every tier's rules as they apply to {@code agentType}, in display order. */
    public Map<PermissionTier, RuleSet> rules(String agentType) {
        Map<PermissionTier, RuleSet> tiers = new EnumMap<>(PermissionTier.class);
        tiers.put(PermissionTier.SESSION, session.get());
        tiers.put(PermissionTier.LOCAL, store.map(s -> s.load(PermissionTier.LOCAL, agentType)).orElse(RuleSet.EMPTY));
        tiers.put(PermissionTier.GLOBAL, store.map(s -> s.load(PermissionTier.GLOBAL, agentType)).orElse(RuleSet.EMPTY));
        tiers.put(PermissionTier.CONFIG, config);
        return tiers;
    }

    private RuleStore requireStore(PermissionTier tier) {
        return store.orElseThrow(() -> new IllegalStateException(
                "this policy has no rule store, so " + tier.wireName() + " rules cannot be saved"));
    }

    /** A rule that matched, and what of the call it matched (" runs `rm x`,"), for the reason. */
    private record SubjectMatch(MatchedRule rule, String what) {}

    private Optional<SubjectMatch> anyMatch(Map<PermissionTier, RuleSet> tiers, PermissionBehavior behavior,
                                            PermissionQuery q, ToolTarget target) {
        for (ToolTarget.Subject subject : target.subjects()) {
            Optional<MatchedRule> match = firstMatch(tiers, behavior, q, subject);
            if (match.isPresent()) {
                String what = switch (subject) {
                    case ToolTarget.Command c -> " runs `" + DisplayText.escape(c.invocation().text()) + "`, which";
                    case ToolTarget.Redirect r -> " writes " + DisplayText.escape(r.path().map(Path::toString).orElse(r.source()))
                            + " by redirection, which";
                    default -> "";
                };
                return Optional.of(new SubjectMatch(match.get(), what));
            }
        }
        return Optional.empty();
    }

    private Optional<List<MatchedRule>> allMatch(Map<PermissionTier, RuleSet> tiers, PermissionQuery q,
                                                 ToolTarget target) {
        LinkedHashSet<MatchedRule> used = new LinkedHashSet<>();
        for (ToolTarget.Subject subject : target.subjects()) {
            Optional<MatchedRule> match = firstMatch(tiers, PermissionBehavior.ALLOW, q, subject);
            if (match.isEmpty()) {
                return Optional.empty();
            }
            used.add(match.get());
        }
        return used.isEmpty() ? Optional.empty() : Optional.of(new ArrayList<>(used));
    }

    private Optional<MatchedRule> firstMatch(Map<PermissionTier, RuleSet> tiers, PermissionBehavior behavior,
                                             PermissionQuery q, ToolTarget.Subject subject) {
        // A file written by a shell redirection is governed by the Write tool's rules.
        String tool = subject instanceof ToolTarget.Redirect ? "Write" : q.toolName();
        for (Map.Entry<PermissionTier, RuleSet> tier : tiers.entrySet()) {
            for (PermissionRule rule : tier.getValue().rules(behavior)) {
                if (rule.coversTool(tool)
                        && rule.matches(subject, behavior, q.workingDirectory(), userHome)) {
                    return Optional.of(new MatchedRule(rule, behavior, tier.getKey()));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isEditInside(PermissionQuery q, ToolTarget target) {
        if (!ToolTarget.EDIT_TOOLS.contains(q.toolName()) || target.filePaths().isEmpty()) {
            return false;
        }
        Path wd = q.workingDirectory();
        Optional<Path> realWd = PathPattern.realPath(wd);
        return target.filePaths().stream().allMatch(f ->
                f.path().startsWith(wd) || realWd.map(r -> f.path().startsWith(r)).orElse(false));
    }

    /**
     * What a call targets, the whole of it (never cut: a hidden tail is exactly what a spoof needs) and
     * with control characters escaped, since reasons are shown to the human who approves.
     */
    private static String describe(PermissionQuery q) {
        if (q.toolName().equals("Bash") && q.input().path("command").isTextual()) {
            return "Bash(" + DisplayText.escape(q.input().path("command").asText()) + ")";
        }
        return DisplayText.escape(ToolTarget.pathField(q.input(), Path.of("~")).map(p -> q.toolName() + "(" + p + ")")
                .orElse(q.toolName()));
    }

    /**
     * The protected file a call would change, if any: a file tool that is not read-only writing one,
     * or a shell command that mentions one (see {@link ProtectedPaths}).
     */
    private Optional<String> protectedTarget(PermissionQuery q, ToolTarget target) {
        boolean shell = q.toolName().equals("Bash") && q.input().path("command").isTextual();
        if (!shell && (q.readOnly() || target.filePaths().isEmpty())) {
            return Optional.empty();
        }
        ProtectedPaths guarded = ProtectedPaths.standard(picrustHome(), q.workingDirectory());
        if (shell) {
            return guarded.mentionIn(q.input().path("command").asText()).map(m -> "the command mentions " + m);
        }
        for (ToolTarget.FilePath file : target.filePaths()) {
            Optional<Path> covering = guarded.covering(file.path());
            if (covering.isPresent()) {
                return Optional.of(covering.get().toString());
            }
        }
        return Optional.empty();
    }

    private Path picrustHome() {
        return store.map(RuleStore::home).orElseGet(SessionStore::home);
    }

    private static String hookReason(HookRuling ruling, String fallback) {
        return ruling.reason().isBlank() ? fallback : ruling.reason();
    }
}
