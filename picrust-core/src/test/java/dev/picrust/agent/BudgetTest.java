package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.event.UsageTotals;
import dev.picrust.json.Json;
import dev.picrust.llm.Usage;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class BudgetTest {
    @Test
    void settingsJsonReplacesTheLimitsItSetsAndNullRemovesOne() throws Exception {
        Budget user = Budget.NONE.with(Json.parse("""
                {"turn": {"maxCalls": 40}, "tree": {"maxCost": 5, "maxTokens": 2000000}}"""), "user");
        Budget project = user.with(Json.parse("""
                {"tree": {"maxCost": 1.5, "maxTokens": null}, "session": {"maxCalls": 100}}"""), "project");
        assertThat(project.turn().calls()).hasValue(40);
        assertThat(project.tree().cost()).hasValue(1.5);
        assertThat(project.tree().tokens()).isEmpty();
        assertThat(project.session().calls()).hasValue(100);
    }

    @Test
    void invalidSettingsNameTheFileAndTheField() {
        assertThatThrownBy(() -> Budget.NONE.with(Json.parse("{\"turn\": {\"maxCalls\": -1}}"), "s.json"))
                .hasMessage("s.json: budget.turn.maxCalls must be a number >= 0 or null");
        assertThatThrownBy(() -> Budget.NONE.with(Json.parse("{\"turn\": {\"maxCalls\": 1.5}}"), "s.json"))
                .hasMessage("s.json: budget.turn.maxCalls must be a whole number");
        assertThatThrownBy(() -> Budget.NONE.with(Json.parse("{\"week\": {}}"), "s.json"))
                .hasMessageContaining("unknown budget scope \"week\"");
        assertThatThrownBy(() -> Budget.NONE.with(Json.parse("{\"tree\": {\"maxDollars\": 3}}"), "s.json"))
                .hasMessageContaining("unknown limit \"maxDollars\"");
        assertThatThrownBy(() -> Budget.Limit.NONE.maxCost(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLimitIsReachedAtItsValueAndCostCountsPricedCallsOnly() {
        UsageTotals spent = UsageTotals.ofCall(new Usage(600, 400, 0, 0), OptionalDouble.of(0.5))
                .plus(UsageTotals.ofCall(new Usage(10, 10, 0, 0), OptionalDouble.empty()));
        assertThat(Budget.Limit.NONE.maxTokens(1021).reachedBy(spent)).isEmpty();
        assertThat(Budget.Limit.NONE.maxTokens(1020).reachedBy(spent)).hasValue("1020 tokens of at most 1020");
        assertThat(Budget.Limit.NONE.maxCost(0.5).reachedBy(spent)).hasValue("$0.5000 of at most $0.5000");
        assertThat(Budget.Limit.NONE.maxCost(0.51).reachedBy(spent)).isEmpty();
        assertThat(Budget.Limit.NONE.maxCalls(3).reachedBy(spent)).isEmpty();
    }
}
