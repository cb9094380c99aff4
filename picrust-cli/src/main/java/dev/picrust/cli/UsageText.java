package dev.picrust.cli;

import dev.picrust.event.UsageTotals;
import dev.picrust.llm.Usage;
import java.util.Locale;

/** How usage totals read on a terminal: tokens in and out, and the cost when it is known. */
final class UsageText {
    private UsageText() {}

    /** "1,234 tokens in, 56 out · $0.0123" (input counts cache reads and writes). */
    static String brief(UsageTotals totals) {
        Usage u = totals.usage();
        return String.format(Locale.ROOT, "%,d tokens in, %,d out%s", u.inputTokens() + u.cacheReadInputTokens()
                + u.cacheCreationInputTokens(), u.outputTokens(), cost(totals).map(c -> " · " + c).orElse(""));
    }

    /** Every count, for {@code /cost} and {@code sessions show}. */
    static String full(UsageTotals totals) {
        Usage u = totals.usage();
        return String.format(Locale.ROOT, "%,d model call(s) · %,d tokens in (%,d read from cache, %,d written to it),"
                        + " %,d out (%,d reasoning) · %s", totals.calls(), u.inputTokens() + u.cacheReadInputTokens()
                        + u.cacheCreationInputTokens(), u.cacheReadInputTokens(), u.cacheCreationInputTokens(),
                u.outputTokens(), u.reasoningTokens(), cost(totals).orElse("no cost"));
    }

    /** "$0.0123", or how much is known when some calls had no price; empty for no calls. */
    static java.util.Optional<String> cost(UsageTotals totals) {
        if (totals.calls() == 0) {
            return java.util.Optional.empty();
        }
        if (totals.cost().isPresent()) {
            return java.util.Optional.of(dollars(totals.cost().getAsDouble()));
        }
        return java.util.Optional.of(totals.unpricedCalls() == totals.calls() ? "cost unknown (no price for the model)"
                : "at least " + dollars(totals.pricedCost()) + " (" + totals.unpricedCalls() + " call(s) without a price)");
    }

    static String dollars(double value) {
        return String.format(Locale.ROOT, value < 0.01 && value > 0 ? "$%.4f" : "$%.2f", value);
    }
}
