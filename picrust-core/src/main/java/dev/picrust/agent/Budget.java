package dev.picrust.agent;

import dev.picrust.event.UsageTotals;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

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
