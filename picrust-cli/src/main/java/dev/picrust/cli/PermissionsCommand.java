package dev.picrust.cli;

import dev.picrust.event.PermissionBehavior;
import dev.picrust.permission.PermissionRule;
import dev.picrust.permission.PermissionTier;
import dev.picrust.permission.RuleSet;
import dev.picrust.permission.RuleStore;
import dev.picrust.permission.RuleStoreException;
import dev.picrust.session.SessionStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code picrust permissions list|add|remove}: the persisted permission tiers under the PiCrust home
 * (global rules, and local rules per agent type), edited through {@link RuleStore} so a running
 * agent sees the change at its next call and concurrent writers never lose each other's rules.
 */
@Command(name = "permissions", description = "List, add or remove persisted permission rules "
        + "(<home>/permissions/global.json and <home>/permissions/agents/<type>.json).",
        subcommands = {PermissionsCommand.ListRules.class, PermissionsCommand.AddRule.class,
                PermissionsCommand.RemoveRule.class})
final class PermissionsCommand implements Runnable {
    /** The agent type of {@code picrust run}, and so the default for local rules. */
    static final String DEFAULT_AGENT_TYPE = "cli";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every subcommand shares. */
    static class StoreOptions {
        @Option(names = "--home", paramLabel = "DIR", description = "PiCrust home (default: $PICRUST_HOME or ~/.picrust).")
        Path home;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        RuleStore store() {
            return new RuleStore(home == null ? SessionStore.home() : home);
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        static PermissionTier persistedTier(String text) {
            PermissionTier tier = PermissionTier.parse(text).orElseThrow(() -> new CliException(
                    "unknown --tier '" + text + "' (use local or global)"));
            if (tier != PermissionTier.LOCAL && tier != PermissionTier.GLOBAL) {
                throw new CliException(tier.wireName() + " rules are not stored in files; use --tier local or global "
                        + "(session rules live in a running agent; config rules in settings files and flags)");
            }
            return tier;
        }

        static PermissionRule rule(String text) {
            try {
                return PermissionRule.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CliException("invalid rule '" + text + "': " + e.getMessage());
            }
        }

        static String describe(PermissionTier tier, String agentType) {
            return tier == PermissionTier.GLOBAL ? "global rules" : "local rules of agent type " + agentType;
        }
    }

    @Command(name = "list", description = "Print persisted rules, one per line: tier, agent type, behaviour, rule.")
    static final class ListRules extends StoreOptions implements Callable<Integer> {
        @Option(names = "--tier", paramLabel = "TIER", description = "session, local or global (default: local and global).")
        String tier;

        @Option(names = "--agent-type", paramLabel = "TYPE", description = "Local rules of this agent type only "
                + "(default: every agent type with a rules file).")
        String agentType;

        @Override
        public Integer call() {
            RuleStore store = store();
            PrintWriter out = out();
            List<PermissionTier> tiers = tier == null ? List.of(PermissionTier.LOCAL, PermissionTier.GLOBAL)
                    : List.of(PermissionTier.parse(tier).orElseThrow(() -> new CliException(
                            "unknown --tier '" + tier + "' (use session, local or global)")));
            try {
                for (PermissionTier t : tiers) {
                    switch (t) {
                        case SESSION -> spec.commandLine().getErr().println("session rules live in the memory of a "
                                + "running agent and are never stored; there is nothing to list here.");
                        case CONFIG -> spec.commandLine().getErr().println("config rules come from settings files "
                                + "and --allow/--ask/--deny flags; see settings.json.");
                        case LOCAL -> {
                            for (String type : agentType == null ? agentTypes(store) : List.of(agentType)) {
                                print(out, "local", type, store.load(PermissionTier.LOCAL, type));
                            }
                        }
                        case GLOBAL -> print(out, "global", "*", store.load(PermissionTier.GLOBAL, ""));
                    }
                }
            } catch (RuleStoreException | IllegalArgumentException e) {
                throw new CliException(e.getMessage(), 1);
            }
            out.flush();
            return 0;
        }

        private static void print(PrintWriter out, String tier, String agentType, RuleSet rules) {
            for (PermissionBehavior behavior : PermissionBehavior.values()) {
                for (PermissionRule rule : rules.rules(behavior)) {
                    out.printf("%-7s %-12s %-6s %s%n", tier, agentType, behavior.wireName(), rule);
                }
            }
        }

        /** Agent types with a local rules file, sorted. */
        private static List<String> agentTypes(RuleStore store) {
            Path dir = store.home().resolve("permissions").resolve("agents");
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(".json"))
                        .map(n -> n.substring(0, n.length() - ".json".length()))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new CliException("cannot list " + dir + ": " + e.getMessage(), 1);
            }
        }
    }

    @Command(name = "add", description = "Add a rule to a persisted tier.")
    static final class AddRule extends StoreOptions implements Callable<Integer> {
        @Parameters(paramLabel = "RULE", description = "e.g. Bash, 'Bash(git:*)', 'Edit(src/**)', mcp__github__create_issue.")
        String ruleText;

        @Option(names = "--behavior", paramLabel = "B", defaultValue = "allow", description = "allow, ask or deny (default: ${DEFAULT-VALUE}).")
        String behavior;

        @Option(names = "--tier", paramLabel = "TIER", defaultValue = "local", description = "local or global (default: ${DEFAULT-VALUE}).")
        String tier;

        @Option(names = "--agent-type", paramLabel = "TYPE", defaultValue = DEFAULT_AGENT_TYPE,
                description = "Agent type of a local rule (default: ${DEFAULT-VALUE}, the type of `picrust run`).")
        String agentType;

        @Override
        public Integer call() {
            PermissionTier t = persistedTier(tier);
            PermissionBehavior b = PermissionBehavior.parse(behavior).orElseThrow(() -> new CliException(
                    "unknown --behavior '" + behavior + "' (use allow, ask or deny)"));
            PermissionRule rule = rule(ruleText);
            RuleStore store = store();
            try {
                boolean present = store.load(t, agentType).rules(b).contains(rule);
                if (present) {
                    out().println(b.wireName() + " " + rule + " is already in the " + describe(t, agentType));
                } else {
                    store.add(t, agentType, b, rule);
                    out().println("added " + b.wireName() + " " + rule + " to the " + describe(t, agentType)
                            + " (" + store.file(t, agentType) + ")");
                }
            } catch (RuleStoreException | IllegalArgumentException e) {
                throw new CliException(e.getMessage(), 1);
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a rule from a persisted tier.")
    static final class RemoveRule extends StoreOptions implements Callable<Integer> {
        @Parameters(paramLabel = "RULE", description = "The rule as listed by `picrust permissions list`.")
        String ruleText;

        @Option(names = "--behavior", paramLabel = "B", description = "allow, ask or deny (default: whichever lists hold the rule).")
        String behavior;

        @Option(names = "--tier", paramLabel = "TIER", defaultValue = "local", description = "local or global (default: ${DEFAULT-VALUE}).")
        String tier;

        @Option(names = "--agent-type", paramLabel = "TYPE", defaultValue = DEFAULT_AGENT_TYPE,
                description = "Agent type of a local rule (default: ${DEFAULT-VALUE}).")
        String agentType;

        @Override
        public Integer call() {
            PermissionTier t = persistedTier(tier);
            List<PermissionBehavior> behaviors = behavior == null ? List.of(PermissionBehavior.values())
                    : List.of(PermissionBehavior.parse(behavior).orElseThrow(() -> new CliException(
                            "unknown --behavior '" + behavior + "' (use allow, ask or deny)")));
            PermissionRule rule = rule(ruleText);
            RuleStore store = store();
            List<String> removed = new ArrayList<>();
            try {
                RuleSet current = store.load(t, agentType);
                for (PermissionBehavior b : behaviors) {
                    if (current.rules(b).contains(rule)) {
                        store.remove(t, agentType, b, rule);
                        removed.add(b.wireName());
                    }
                }
            } catch (RuleStoreException | IllegalArgumentException e) {
                throw new CliException(e.getMessage(), 1);
            }
            if (removed.isEmpty()) {
                throw new CliException("no " + (behavior == null ? "" : behavior + " ") + "rule " + rule + " in the "
                        + describe(t, agentType), 1);
            }
            out().println("removed " + String.join(", ", removed) + " " + rule + " from the " + describe(t, agentType));
            out().flush();
            return 0;
        }
    }
}
