package dev.picrust.agent;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.UsageTotals;
import dev.picrust.llm.Usage;
import dev.picrust.llm.catalog.ModelCatalog;
import dev.picrust.llm.catalog.ModelCost;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What an agent's model calls used and cost, summed per turn, per session and per agent tree, and
 * whether its {@link Budget} allows another call. Ledgers form a tree like the agents do: an agent's
 * ledger hangs under its parent agent's, and top-level agents under their runtime's ({@link #runtime()}),
 * whose tree total is everything the runtime's agents used. A call is added to its own agent's turn,
 * session and tree and to the tree of every ancestor, so a parent's tree budget counts its subagents.
 *
 * <p>Per call this is a few additions and one lock-free update per ancestor; a model's price is
 * looked up only when the model changes. The agent's own thread writes the turn and session totals;
 * trees are shared with children running in parallel, so they are atomic.
 */
public final class UsageLedger {
    private final UsageLedger parent;  // null for a runtime's ledger
    private final Budget budget;
    private final ModelCatalog prices;
    /** True when this ledger or an ancestor has a limit: the check before each call is then needed at all. */
    private final boolean limited;
    private volatile UsageTotals turn = UsageTotals.ZERO;
    private volatile UsageTotals session;
    private final AtomicReference<UsageTotals> tree;
    private String pricedModel;
    private Optional<ModelCost> price = Optional.empty();

    private UsageLedger(UsageLedger parent, Budget budget, ModelCatalog prices, UsageTotals session, UsageTotals tree) {
        this.parent = parent;
        this.budget = Objects.requireNonNull(budget, "budget");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.session = Objects.requireNonNull(session, "session");
        this.tree = new AtomicReference<>(Objects.requireNonNull(tree, "tree"));
        this.limited = !budget.isUnlimited() || parent != null && parent.limited;
    }

    /** The ledger of a runtime: the root of its agents' ledgers, without limits. */
    public static UsageLedger runtime() {
        return new UsageLedger(null, Budget.NONE, ModelCatalog.builtIn(), UsageTotals.ZERO, UsageTotals.ZERO);
    }

    /**
     * The ledger of an agent under this one. {@code earlierSession} is what its session used before
     * (read from the session); {@code earlierTree} that plus its subagents' sessions. Neither is added to
     * this ledger: they were counted when they happened.
     */
    public UsageLedger child(Budget budget, ModelCatalog prices, UsageTotals earlierSession, UsageTotals earlierTree) {
        return new UsageLedger(this, budget, prices, earlierSession, earlierTree);
    }

    /** A turn begins: its totals start from zero. */
    public void beginTurn() {
        turn = UsageTotals.ZERO;
    }

    /**
     * Adds one call priced by the model it asked for ({@code requested}) or, when that has no price,
     * the one that answered; returns the {@code usage} chunk to announce.
     */
    public OutputChunk.UsageReport record(String requested, String answered, Usage usage) {
        OptionalDouble cost = costOf(requested, answered, usage);
        UsageTotals call = UsageTotals.ofCall(usage, cost);
        UsageTotals turnNow = turn.plus(call);
        UsageTotals sessionNow = session.plus(call);
        turn = turnNow;
        session = sessionNow;
        UsageTotals treeNow = tree.accumulateAndGet(call, UsageTotals::plus);
        for (UsageLedger up = parent; up != null; up = up.parent) {
            up.tree.accumulateAndGet(call, UsageTotals::plus);
        }
        return new OutputChunk.UsageReport(answered.isEmpty() ? requested : answered, usage, cost, turnNow, sessionNow,
                treeNow);
    }

    /**
     * Which limit stops the agent before its next model call, in words ("session budget reached: 12
     * model call(s) of at most 12"); empty while every limit of this agent, and the tree limit of every
     * agent above it, allows another call.
     */
    public Optional<String> exhausted() {
        if (!limited) {
            return Optional.empty();
        }
        Optional<String> reached = budget.turn().reachedBy(turn).map(r -> "turn budget reached: " + r)
                .or(() -> budget.session().reachedBy(session).map(r -> "session budget reached: " + r));
        for (UsageLedger l = this; reached.isEmpty() && l != null; l = l.parent) {
            UsageLedger at = l;
            reached = at.budget.tree().reachedBy(at.tree.get()).map(r -> (at == this ? "" : "the parent's ")
                    + "agent tree budget reached: " + r);
        }
        return reached;
    }

    /** This turn's calls. */
    public UsageTotals turn() {
        return turn;
    }

    /** Every call of this agent's session, earlier runs included. */
    public UsageTotals session() {
        return session;
    }

    /** This agent's session and every subagent under it; for a runtime's ledger, all of its agents. */
    public UsageTotals tree() {
        return tree.get();
    }

    public Budget budget() {
        return budget;
    }

    private OptionalDouble costOf(String requested, String answered, Usage usage) {
        if (!requested.equals(pricedModel)) {
            pricedModel = requested;
            price = prices.price(requested).or(() -> answered.isEmpty() ? Optional.empty() : prices.price(answered));
        }
        return price.isPresent() ? OptionalDouble.of(price.get().dollars(usage)) : OptionalDouble.empty();
    }
}
