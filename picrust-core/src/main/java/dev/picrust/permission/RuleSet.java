package dev.picrust.permission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.event.PermissionBehavior;
import dev.picrust.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Allow, ask and deny rules of one tier, without duplicates. JSON form (also the {@code permissions}
 * object of a settings file): {@code {"allow": ["Bash(git:*)"], "ask": [], "deny": ["Read(~/.ssh/**)"]}}.
 */
public record RuleSet(List<PermissionRule> allow, List<PermissionRule> ask, List<PermissionRule> deny) {
    public static final RuleSet EMPTY = new RuleSet(List.of(), List.of(), List.of());

    public RuleSet {
        allow = distinct(allow);
        ask = distinct(ask);
        deny = distinct(deny);
    }

    /** Parses rule strings, e.g. from command-line flags. */
    public static RuleSet of(List<String> allow, List<String> ask, List<String> deny) {
        return new RuleSet(parseAll(allow), parseAll(ask), parseAll(deny));
    }

    public List<PermissionRule> rules(PermissionBehavior behavior) {
        return switch (behavior) {
            case ALLOW -> allow;
            case ASK -> ask;
            case DENY -> deny;
        };
    }

    public boolean isEmpty() {
        return allow.isEmpty() && ask.isEmpty() && deny.isEmpty();
    }

    public RuleSet with(PermissionBehavior behavior, PermissionRule rule) {
        return switch (behavior) {
            case ALLOW -> new RuleSet(plus(allow, rule), ask, deny);
            case ASK -> new RuleSet(allow, plus(ask, rule), deny);
            case DENY -> new RuleSet(allow, ask, plus(deny, rule));
        };
    }

    public RuleSet without(PermissionBehavior behavior, PermissionRule rule) {
        return switch (behavior) {
            case ALLOW -> new RuleSet(minus(allow, rule), ask, deny);
            case ASK -> new RuleSet(allow, minus(ask, rule), deny);
            case DENY -> new RuleSet(allow, ask, minus(deny, rule));
        };
    }

    /** Both sets' rules; arrays of settings layers merge like this. */
    public RuleSet plus(RuleSet other) {
        return new RuleSet(concat(allow, other.allow), concat(ask, other.ask), concat(deny, other.deny));
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        for (PermissionBehavior b : PermissionBehavior.values()) {
            ArrayNode array = n.putArray(b.wireName());
            rules(b).forEach(r -> array.add(r.toString()));
        }
        return n;
    }

    /**
     * Reads the JSON form. A rule that does not parse is an error naming {@code where}: silently
     * dropping a deny rule would be worse than refusing to start.
     */
    public static RuleSet fromJson(JsonNode node, String where) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return EMPTY;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": permissions must be an object with allow/ask/deny arrays");
        }
        List<List<PermissionRule>> lists = new ArrayList<>();
        for (PermissionBehavior b : PermissionBehavior.values()) {
            JsonNode array = node.path(b.wireName());
            List<PermissionRule> rules = new ArrayList<>();
            if (!array.isMissingNode() && !array.isNull()) {
                if (!array.isArray()) {
                    throw new IllegalArgumentException(where + ": \"" + b.wireName() + "\" must be an array of rule strings");
                }
                for (JsonNode r : array) {
                    if (!r.isTextual()) {
                        throw new IllegalArgumentException(where + ": rules must be strings, got " + r);
                    }
                    try {
                        rules.add(PermissionRule.parse(r.asText()));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                    }
                }
            }
            lists.add(rules);
        }
        return new RuleSet(lists.get(0), lists.get(1), lists.get(2));
    }

    private static List<PermissionRule> parseAll(List<String> texts) {
        return texts.stream().map(PermissionRule::parse).toList();
    }

    private static List<PermissionRule> distinct(List<PermissionRule> rules) {
        return List.copyOf(new LinkedHashSet<>(rules));
    }

    private static List<PermissionRule> plus(List<PermissionRule> rules, PermissionRule rule) {
        List<PermissionRule> copy = new ArrayList<>(rules);
        copy.add(rule);
        return copy;
    }

    private static List<PermissionRule> minus(List<PermissionRule> rules, PermissionRule rule) {
        return rules.stream().filter(r -> !r.equals(rule)).toList();
    }

    private static List<PermissionRule> concat(List<PermissionRule> a, List<PermissionRule> b) {
        List<PermissionRule> copy = new ArrayList<>(a);
        copy.addAll(b);
        return copy;
    }
}
