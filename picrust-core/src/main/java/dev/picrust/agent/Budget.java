package dev.picrust.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.event.UsageTotals;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Hard limits on what an agent spends: tokens, dollars and model calls, per turn, per session (earlier
 * runs of it included) and per agent tree (this agent's session and every subagent under it). The
 * loop checks them before each model call, never during a tool: once a limit is reached the turn ends
 * with a {@code budget_exceeded} status and end reason, and the session can be resumed with a raised
 * budget. A call may overshoot a token or cost limit (its size is known only afterwards); the next one
 * is not made. Cost counts only calls whose model has a price.
 *
 * <pre>{@code
 * Budget.NONE.perTurn(Budget.Limit.NONE.maxCalls(20)).perTree(Budget.Limit.NONE.maxCost(2.50))
 * }</pre>
 */
public record Budget(Limit turn, Limit session, Limit tree) {
    public static final Budget NONE = new Budget(Limit.NONE, Limit.NONE, Limit.NONE);

    public Budget {
        Objects.requireNonNull(turn, "turn");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(tree, "tree");
    }

    public Budget perTurn(Limit limit) {
        return new Budget(limit, session, tree);
    }

    public Budget perSession(Limit limit) {
        return new Budget(turn, limit, tree);
    }

    public Budget perTree(Limit limit) {
        return new Budget(turn, session, limit);
    }

    public boolean isUnlimited() {
        return turn.isUnlimited() && session.isUnlimited() && tree.isUnlimited();
    }

    /**
     * This budget with the limits {@code node} sets replaced, as settings files write it:
     * {@code {"turn": {"maxCalls": 40}, "session": {"maxCost": 5}, "tree": {"maxTokens": 2000000}}}.
     * A limit of {@code null} removes it.
     *
     * @throws IllegalArgumentException naming {@code source} and the field when something is not valid
     */
    public Budget with(JsonNode node, String source) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(source + ": \"budget\" must be an object of turn, session and tree limits");
        }
        for (String field : (Iterable<String>) node::fieldNames) {
            if (!Set.of("turn", "session", "tree").contains(field)) {
                throw new IllegalArgumentException(source + ": unknown budget scope \"" + field
                        + "\" (expected turn, session or tree)");
            }
        }
        return new Budget(turn.with(node.path("turn"), source + ": budget.turn"),
                session.with(node.path("session"), source + ": budget.session"),
                tree.with(node.path("tree"), source + ": budget.tree"));
    }

    /** The limits of one scope; each is optional. */
    public record Limit(OptionalLong tokens, OptionalDouble cost, OptionalLong calls) {
        public static final Limit NONE = new Limit(OptionalLong.empty(), OptionalDouble.empty(), OptionalLong.empty());

        public Limit {
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(cost, "cost");
            Objects.requireNonNull(calls, "calls");
            if (tokens.isPresent() && tokens.getAsLong() < 0 || calls.isPresent() && calls.getAsLong() < 0
                    || cost.isPresent() && !(cost.getAsDouble() >= 0 && Double.isFinite(cost.getAsDouble()))) {
                throw new IllegalArgumentException("budget limits must be finite and not negative: " + this);
            }
        }

        /** At most this many tokens (input, cache reads and writes, output). */
        public Limit maxTokens(long value) {
            return new Limit(OptionalLong.of(value), cost, calls);
        }

        /** At most this many dollars. */
        public Limit maxCost(double dollars) {
            return new Limit(tokens, OptionalDouble.of(dollars), calls);
        }

        /** At most this many model calls. */
        public Limit maxCalls(long value) {
            return new Limit(tokens, cost, OptionalLong.of(value));
        }

        public boolean isUnlimited() {
            return tokens.isEmpty() && cost.isEmpty() && calls.isEmpty();
        }

        Limit with(JsonNode node, String where) {
            if (node.isMissingNode()) {
                return this;
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException(where + " must be an object of maxTokens, maxCost and maxCalls");
            }
            Limit limit = this;
            for (var field : node.properties()) {
                JsonNode value = field.getValue();
                boolean remove = value.isNull();
                if (!remove && (!value.isNumber() || value.asDouble() < 0)) {
                    throw new IllegalArgumentException(where + "." + field.getKey() + " must be a number >= 0 or null");
                }
                limit = switch (field.getKey()) {
                    case "maxTokens" -> new Limit(remove ? OptionalLong.empty() : OptionalLong.of(whole(value, where
                            + ".maxTokens")), limit.cost, limit.calls);
                    case "maxCost" -> new Limit(limit.tokens, remove ? OptionalDouble.empty()
                            : OptionalDouble.of(value.asDouble()), limit.calls);
                    case "maxCalls" -> new Limit(limit.tokens, limit.cost, remove ? OptionalLong.empty()
                            : OptionalLong.of(whole(value, where + ".maxCalls")));
                    default -> throw new IllegalArgumentException(where + ": unknown limit \"" + field.getKey()
                            + "\" (expected maxTokens, maxCost or maxCalls)");
                };
            }
            return limit;
        }

        private static long whole(JsonNode value, String where) {
            if (!value.canConvertToExactIntegral()) {
                throw new IllegalArgumentException(where + " must be a whole number");
            }
            return value.asLong();
        }

        /** Which limit {@code spent} has reached, in words; empty while all allow another call. */
        public Optional<String> reachedBy(UsageTotals spent) {
            if (calls.isPresent() && spent.calls() >= calls.getAsLong()) {
                return Optional.of(spent.calls() + " model call(s) of at most " + calls.getAsLong());
            }
            if (tokens.isPresent() && spent.tokens() >= tokens.getAsLong()) {
                return Optional.of(spent.tokens() + " tokens of at most " + tokens.getAsLong());
            }
            if (cost.isPresent() && spent.pricedCost() >= cost.getAsDouble()) {
                return Optional.of(dollars(spent.pricedCost()) + " of at most " + dollars(cost.getAsDouble()));
            }
            return Optional.empty();
        }

        private static String dollars(double value) {
            return String.format(Locale.ROOT, "$%.4f", value);
        }
    }
}
