package dev.picrust.cli;

import dev.picrust.cli.args.Command;
import dev.picrust.cli.args.Invocation;
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
import java.util.stream.Stream;

import static dev.picrust.cli.args.Parameter.positional;
import static dev.picrust.cli.args.Parameter.single;
import static dev.picrust.cli.args.ValueType.PATH;
import static dev.picrust.cli.args.ValueType.STRING;

/**
 * {@code picrust permissions list|add|remove}: the persisted permission tiers under the PiCrust home
 * (global rules, and local rules per agent type), edited through {@link RuleStore} so a running
 * agent sees the change at its next call and concurrent writers never lose each other's rules.
 */
final class PermissionsCommand {
    /** The agent type of {@code picrust run}, and so the default for local rules. */
    static final String DEFAULT_AGENT_TYPE = "cli";

    private PermissionsCommand() {}

    static Command declare() {
        return Command.named("permissions", "List, add or remove persisted permission rules "
                        + "(<home>/permissions/global.json and <home>/permissions/agents/<type>.json).")
                .subcommand("list", () -> new ListRules().declare())
                .subcommand("add", () -> new AddRule().declare())
                .subcommand("remove", () -> new RemoveRule().declare())
                .build();
    }

    /** What every subcommand shares: the {@code --home} option, the rule store it names, the output. */
    abstract static class StoreOptions {
        Path home;
        private Invocation invocation;

        /** {@code command} with {@code --home} and {@link #call} as its action. */
        final Command declare(Command.Builder command) {
            return command
                    .with(single("--home", PATH, "PiCrust home (default: $PICRUST_HOME or ~/.picrust).", v -> home = v)
                            .label("DIR"))
                    .action(parsed -> {
                        invocation = parsed;
                        return call();
                    })
                    .build();
        }

        abstract Command declare();

        abstract int call();

        RuleStore store() {
            return new RuleStore(home == null ? SessionStore.home() : home);
        }

        PrintWriter out() {
            return invocation.out();
        }

        PrintWriter err() {
            return invocation.err();
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

    static final class ListRules extends StoreOptions {
        @Override
        Command declare() {
            return declare(Command.named("list", "Print persisted rules, one per line: tier, agent type, behaviour, rule.")
                    .with(single("--tier", STRING, "session, local or global (default: local and global).", v -> tier = v)
                            .label("TIER"))
                    .with(single("--agent-type", STRING, "Local rules of this agent type only "
                            + "(default: every agent type with a rules file).", v -> agentType = v).label("TYPE")));
        }

        String tier;
        String agentType;

        @Override
        int call() {
            RuleStore store = store();
            PrintWriter out = out();
            List<PermissionTier> tiers = tier == null ? List.of(PermissionTier.LOCAL, PermissionTier.GLOBAL)
                    : List.of(PermissionTier.parse(tier).orElseThrow(() -> new CliException(
                            "unknown --tier '" + tier + "' (use session, local or global)")));
            try {
                for (PermissionTier t : tiers) {
                    switch (t) {
                        case SESSION -> err().println("session rules live in the memory of a "
                                + "running agent and are never stored; there is nothing to list here.");
                        case CONFIG -> err().println("config rules come from settings files "
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

    static final class AddRule extends StoreOptions {
        @Override
        Command declare() {
            return declare(Command.named("add", "Add a rule to a persisted tier.")
                    .with(positional("RULE", STRING, "e.g. Bash, 'Bash(git:*)', 'Edit(src/**)', mcp__github__create_issue.",
                            v -> ruleText = v))
                    .with(single("--behavior", STRING, "allow, ask or deny (default: ${DEFAULT-VALUE}).", v -> behavior = v)
                            .label("B").defaultValue("allow"))
                    .with(single("--tier", STRING, "local or global (default: ${DEFAULT-VALUE}).", v -> tier = v)
                            .label("TIER").defaultValue("local"))
                    .with(single("--agent-type", STRING, "Agent type of a local rule (default: ${DEFAULT-VALUE}, the type of "
                            + "`picrust run`).", v -> agentType = v).label("TYPE").defaultValue(DEFAULT_AGENT_TYPE)));
        }

        String ruleText;
        String behavior;
        String tier;
        String agentType;

        @Override
        int call() {
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

    static final class RemoveRule extends StoreOptions {
        @Override
        Command declare() {
            return declare(Command.named("remove", "Remove a rule from a persisted tier.")
                    .with(positional("RULE", STRING, "The rule as listed by `picrust permissions list`.", v -> ruleText = v))
                    .with(single("--behavior", STRING, "allow, ask or deny (default: whichever lists hold the rule).",
                            v -> behavior = v).label("B"))
                    .with(single("--tier", STRING, "local or global (default: ${DEFAULT-VALUE}).", v -> tier = v)
                            .label("TIER").defaultValue("local"))
                    .with(single("--agent-type", STRING, "Agent type of a local rule (default: ${DEFAULT-VALUE}).",
                            v -> agentType = v).label("TYPE").defaultValue(DEFAULT_AGENT_TYPE)));
        }

        String ruleText;
        String behavior;
        String tier;
        String agentType;

        @Override
        int call() {
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
