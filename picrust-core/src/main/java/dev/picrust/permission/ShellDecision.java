package dev.picrust.permission;

import dev.picrust.event.PermissionBehavior;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Bash-specific steps of {@link PermissionPolicy#decide}, on top of the {@link ShellAnalysis}
 * of the command line. Fail closed:
 * <ul>
 *   <li>an allow rule narrower than the whole tool allows a line only if the analyser understood
 *       all of it, every command it can run (at any depth, through wrappers) is matched by an
 *       allow rule, and every file it writes by redirection is allowed by a Write or Edit rule
 *       (or by acceptEdits inside the working directory);</li>
 *   <li>if the analyser has doubts while a narrow deny or ask rule exists, the line is asked
 *       about, since the doubt may hide exactly what that rule forbids.</li>
 * </ul>
 * A rule for the whole Bash tool, or one equal to the exact command line, allows what it names.
 */
final class ShellDecision {

    /** The first rule of a behaviour matching one subject, across tiers. */
    @FunctionalInterface
    interface RuleLookup {
        Optional<MatchedRule> first(PermissionBehavior behavior, ToolTarget.Subject subject);
    }

    private ShellDecision() {}

    /** An ask when the analyser's doubts could hide what a narrow deny or ask rule forbids. */
    static Optional<PermissionDecision.Ask> unprovable(ToolTarget target, Map<PermissionTier, RuleSet> tiers,
                                                       String toolName, String described) {
        ShellAnalysis analysis = target.shell().orElseThrow().analysis();
        List<String> unknownWrites = unknownWrites(target);
        if (analysis.understood() && unknownWrites.isEmpty()) {
            return Optional.empty();
        }
        for (PermissionBehavior behavior : List.of(PermissionBehavior.DENY, PermissionBehavior.ASK)) {
            for (Map.Entry<PermissionTier, RuleSet> tier : tiers.entrySet()) {
                for (PermissionRule rule : tier.getValue().rules(behavior)) {
                    if (rule.isWholeTool()) {
                        continue; // a whole-tool rule already matched or does not apply
                    }
                    boolean commandsInDoubt = !analysis.understood() && rule.coversTool(toolName);
                    boolean writesInDoubt = !unknownWrites.isEmpty() && rule.coversTool("Write");
                    if (commandsInDoubt || writesInDoubt) {
                        MatchedRule matched = new MatchedRule(rule, behavior, tier.getKey());
                        List<String> reasons = new ArrayList<>(commandsInDoubt ? analysis.doubts() : List.of());
                        if (writesInDoubt) {
                            reasons.addAll(unknownWrites);
                        }
                        return Optional.of(new PermissionDecision.Ask(described + " needs approval: the shell"
                                + " analyser cannot prove that it stays clear of the " + behavior.wireName() + " rule "
                                + matched + ": " + String.join("; ", reasons) + ".",
                                new DecisionSource.Rules(List.of(matched))));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Allow if the allow rules cover the whole line as described above; otherwise an ask saying what is not covered. */
    static PermissionDecision allow(PermissionQuery q, ToolTarget target, Map<PermissionTier, RuleSet> tiers,
                                    RuleLookup lookup, String described) {
        ToolTarget.Shell shell = target.shell().orElseThrow();
        Optional<MatchedRule> exact = Optional.empty();
        Optional<MatchedRule> whole = Optional.empty();
        for (Map.Entry<PermissionTier, RuleSet> tier : tiers.entrySet()) {
            for (PermissionRule rule : tier.getValue().allow()) {
                if (!rule.coversTool(q.toolName())) {
                    continue;
                }
                MatchedRule matched = new MatchedRule(rule, PermissionBehavior.ALLOW, tier.getKey());
                if (rule.isWholeTool() && whole.isEmpty()) {
                    whole = Optional.of(matched);
                } else if (rule.specifier().filter(s -> s.strip().equals(shell.commandLine().strip())).isPresent()
                        && exact.isEmpty()) {
                    exact = Optional.of(matched);
                }
            }
        }
        Optional<MatchedRule> broad = exact.isPresent() ? exact : whole;
        if (broad.isPresent()) {
            return new PermissionDecision.Allow("allowed by rule", new DecisionSource.Rules(List.of(broad.get())));
        }
        ShellAnalysis analysis = shell.analysis();
        if (!analysis.understood()) {
            return new PermissionDecision.Ask(described + " needs approval: the shell analyser cannot prove what it"
                    + " runs (" + String.join("; ", analysis.doubts()) + "), so only a rule for the whole tool or"
                    + " for this exact command can allow it.", new DecisionSource.NoRule());
        }
        LinkedHashSet<MatchedRule> used = new LinkedHashSet<>();
        boolean editsByMode = false;
        for (ToolTarget.Subject subject : target.subjects()) {
            switch (subject) {
                case ToolTarget.Command c when c.invocation().text().isEmpty() -> {
                    return new PermissionDecision.Ask(described + " needs approval: it runs no command a rule"
                            + " could match.", new DecisionSource.NoRule());
                }
                case ToolTarget.Command c -> {
                    Optional<MatchedRule> m = lookup.first(PermissionBehavior.ALLOW, subject);
                    if (m.isEmpty()) {
                        return new PermissionDecision.Ask(described + " needs approval: no rule allows `"
                                + DisplayText.escape(c.invocation().text()) + "`" + (c.invocation().withEnvironment()
                                ? " (assignments in front of it set its environment, which only a rule for the"
                                + " whole tool or for the exact command covers)" : "") + ".", new DecisionSource.NoRule());
                    }
                    used.add(m.get());
                }
                case ToolTarget.Redirect r -> {
                    if (r.path().isEmpty()) {
                        return new PermissionDecision.Ask(described + " needs approval: it writes by redirection to "
                                + r.source() + ", a file only known when it runs.", new DecisionSource.NoRule());
                    }
                    Optional<MatchedRule> m = lookup.first(PermissionBehavior.ALLOW, subject);
                    if (m.isPresent()) {
                        used.add(m.get());
                    } else if (q.mode() == PermissionMode.ACCEPT_EDITS && inside(r.path().get(), q.workingDirectory())) {
                        editsByMode = true;
                    } else {
                        return new PermissionDecision.Ask(described + " needs approval: it writes " + r.path().get()
                                + " by redirection, and no Write or Edit rule allows that file.",
                                new DecisionSource.NoRule());
                    }
                }
                default -> { }
            }
        }
        if (used.isEmpty() && editsByMode) {
            return new PermissionDecision.Allow("acceptEdits mode: redirection inside the working directory",
                    new DecisionSource.Mode(q.mode()));
        }
        return new PermissionDecision.Allow("allowed by rule", new DecisionSource.Rules(new ArrayList<>(used)));
    }

    private static List<String> unknownWrites(ToolTarget target) {
        return target.subjects().stream()
                .filter(s -> s instanceof ToolTarget.Redirect r && r.path().isEmpty())
                .map(s -> "it writes by redirection to " + ((ToolTarget.Redirect) s).source()
                        + ", a file only known when it runs")
                .toList();
    }

    private static boolean inside(Path path, Path workingDirectory) {
        return path.startsWith(workingDirectory)
                || PathPattern.realPath(workingDirectory).map(path::startsWith).orElse(false);
    }
}
