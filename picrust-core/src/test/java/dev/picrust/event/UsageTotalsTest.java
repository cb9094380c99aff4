package dev.picrust.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.llm.Usage;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class UsageTotalsTest {
    @Test
    void theTextAndTreeJsonFormsReadBackAlike() throws Exception {
        UsageTotals priced = UsageTotals.ofCall(new Usage(1, 2, 3, 4, 1), OptionalDouble.of(0.000123));
        UsageTotals mixed = priced.plus(UsageTotals.ofCall(new Usage(5, 5, 0, 0), OptionalDouble.empty()));
        for (UsageTotals t : new UsageTotals[] {priced, mixed, UsageTotals.ZERO}) {
            assertThat(UsageTotals.fromJson(Json.parse(t.toJsonText()))).isEqualTo(t);
            assertThat(UsageTotals.fromJson(t.toJson())).isEqualTo(t);
        }
        assertThat(mixed.cost()).isEmpty();
        assertThat(mixed.pricedCost()).isEqualTo(0.000123);
        assertThat(mixed.toJson().has("cost_usd")).isFalse();
        assertThat(mixed.toJson().path("unpriced_calls").asLong()).isEqualTo(1);
    }

    @Test
    void aMessageLinesUsageWithoutCallsOrCostIsOneUnpricedCall() throws Exception {
        UsageTotals t = UsageTotals.fromJson(Json.parse("{\"input_tokens\":7,\"output_tokens\":3}"));
        assertThat(t.calls()).isEqualTo(1);
        assertThat(t.unpricedCalls()).isEqualTo(1);
        assertThat(t.tokens()).isEqualTo(10);
    }

    @Test
    void minusGivesWhatWasAddedSinceASnapshot() {
        UsageTotals before = UsageTotals.ofCall(new Usage(10, 1, 0, 0), OptionalDouble.of(0.1));
        UsageTotals after = before.plus(UsageTotals.ofCall(new Usage(20, 2, 5, 0), OptionalDouble.of(0.2)));
        UsageTotals added = after.minus(before);
        assertThat(added.calls()).isEqualTo(1);
        assertThat(added.usage()).isEqualTo(new Usage(20, 2, 5, 0));
        assertThat(added.cost().orElseThrow()).isEqualTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
    }
}
