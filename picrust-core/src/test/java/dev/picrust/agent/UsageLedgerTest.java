package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.UsageTotals;
import dev.picrust.llm.Usage;
import dev.picrust.llm.catalog.ModelCatalog;
import org.junit.jupiter.api.Test;

class UsageLedgerTest {
    static final Usage CALL = new Usage(1000, 200, 500, 100, 0);

    @Test
    void aCallIsPricedAndAddedToTheTurnTheSessionAndEveryTreeAbove() {
        UsageLedger runtime = UsageLedger.runtime();
        UsageTotals earlier = UsageTotals.ofCall(CALL, java.util.OptionalDouble.of(1.0));
        UsageLedger parent = runtime.child(Budget.NONE, ModelCatalog.builtIn(), earlier, earlier);
        UsageLedger child = parent.child(Budget.NONE, ModelCatalog.builtIn(), UsageTotals.ZERO, UsageTotals.ZERO);

        // gpt-4.1: $2 input, $8 output, $0.50 cache read, no cache-write price
        OutputChunk.UsageReport report = child.record("gpt-4.1", "gpt-4.1-2025-04-14", CALL);
        assertThat(report.model()).isEqualTo("gpt-4.1-2025-04-14");
        assertThat(report.cost().orElseThrow()).isCloseTo((1000 * 2 + 200 * 8 + 500 * 0.5) / 1e6, within(1e-15));
        assertThat(report.turn().calls()).isEqualTo(1);
        assertThat(child.tree().calls()).isEqualTo(1);
        assertThat(parent.tree().calls()).as("earlier usage plus the child's call").isEqualTo(2);
        assertThat(parent.session().calls()).isEqualTo(1);
        assertThat(runtime.tree().calls()).as("earlier runs are not this runtime's").isEqualTo(1);
        assertThat(parent.tree().cost().orElseThrow()).isCloseTo(1.0 + 0.00385, within(1e-12));

        child.beginTurn();
        assertThat(child.turn()).isEqualTo(UsageTotals.ZERO);
        assertThat(child.session().calls()).isEqualTo(1);
    }

    @Test
    void aModelWithoutAPriceLeavesTheCostUnknownButCountsTheTokens() {
        UsageLedger ledger = UsageLedger.runtime().child(Budget.NONE, ModelCatalog.builtIn(), UsageTotals.ZERO,
                UsageTotals.ZERO);
        OutputChunk.UsageReport report = ledger.record("my-local-model", "my-local-model", CALL);
        assertThat(report.cost()).isEmpty();
        assertThat(report.session().cost()).isEmpty();
        assertThat(report.session().tokens()).isEqualTo(1800);
        assertThat(report.session().unpricedCalls()).isEqualTo(1);
        // The answered model prices the call when the requested one has no price.
        assertThat(ledger.record("alias", "claude-haiku-4-5-20251001", CALL).cost()).isPresent();
    }

    @Test
    void exhaustedNamesTheFirstLimitReachedAndTheParentsTreeLimitStopsAChild() {
        Budget budget = Budget.NONE.perTurn(Budget.Limit.NONE.maxCalls(2)).perSession(Budget.Limit.NONE.maxTokens(10_000));
        UsageLedger parent = UsageLedger.runtime().child(Budget.NONE.perTree(Budget.Limit.NONE.maxCalls(3)),
                ModelCatalog.builtIn(), UsageTotals.ZERO, UsageTotals.ZERO);
        UsageLedger child = parent.child(budget, ModelCatalog.builtIn(), UsageTotals.ZERO, UsageTotals.ZERO);
        assertThat(child.exhausted()).isEmpty();
        child.record("m", "m", CALL);
        child.record("m", "m", CALL);
        assertThat(child.exhausted()).hasValue("turn budget reached: 2 model call(s) of at most 2");
        child.beginTurn();
        assertThat(child.exhausted()).isEmpty();
        parent.record("m", "m", CALL);
        assertThat(child.exhausted()).hasValue("the parent's agent tree budget reached: 3 model call(s) of at most 3");
        assertThat(parent.exhausted()).hasValue("agent tree budget reached: 3 model call(s) of at most 3");
    }

    @Test
    void anUnlimitedLedgerNeverStops() {
        UsageLedger ledger = UsageLedger.runtime().child(Budget.NONE, ModelCatalog.builtIn(), UsageTotals.ZERO,
                UsageTotals.ZERO);
        for (int i = 0; i < 1000; i++) {
            ledger.record("claude-sonnet-4-5", "claude-sonnet-4-5", CALL);
        }
        assertThat(ledger.exhausted()).isEmpty();
        assertThat(ledger.session().calls()).isEqualTo(1000);
        assertThat(ledger.session().cost().orElseThrow()).isCloseTo(1000 * 0.006525, within(1e-9));
    }
}
