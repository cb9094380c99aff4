package dev.picrust.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.Usage;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What a number of model calls used: how many, their tokens, and what they cost. {@code pricedCost}
 * is the dollars of the calls whose model has a price; {@code unpricedCalls} counts the others, so
 * the cost is known ({@link #cost()}) only when every call was priced.
 *
 * <p>The JSON form ({@link #toJson()}) is the Anthropic usage object plus {@code calls},
 * {@code reasoning_tokens} and {@code cost_usd} (absent when unknown), and {@code unpriced_calls}
 * when some calls had no price. A session stores each model call's usage in this form on the line
 * of the message the call produced.
 */
public record UsageTotals(long calls, Usage usage, double pricedCost, long unpricedCalls) {
    public static final UsageTotals ZERO = new UsageTotals(0, Usage.ZERO, 0, 0);

    public UsageTotals {
        Objects.requireNonNull(usage, "usage");
        if (calls < 0 || unpricedCalls < 0 || unpricedCalls > calls || pricedCost < 0 || !Double.isFinite(pricedCost)) {
            throw new IllegalArgumentException("invalid usage totals: calls=" + calls + ", unpriced=" + unpricedCalls
                    + ", cost=" + pricedCost);
        }
    }

    /** One call; {@code cost} in dollars, empty when its model has no price. */
    public static UsageTotals ofCall(Usage usage, OptionalDouble cost) {
        return new UsageTotals(1, usage, cost.orElse(0), cost.isPresent() ? 0 : 1);
    }

    public UsageTotals plus(UsageTotals other) {
        return new UsageTotals(calls + other.calls, usage.plus(other.usage), pricedCost + other.pricedCost,
                unpricedCalls + other.unpricedCalls);
    }

    /** What was added since {@code earlier}, a snapshot of the same running total. */
    public UsageTotals minus(UsageTotals earlier) {
        Usage u = earlier.usage;
        return new UsageTotals(Math.max(0, calls - earlier.calls), new Usage(
                Math.max(0, usage.inputTokens() - u.inputTokens()), Math.max(0, usage.outputTokens() - u.outputTokens()),
                Math.max(0, usage.cacheReadInputTokens() - u.cacheReadInputTokens()),
                Math.max(0, usage.cacheCreationInputTokens() - u.cacheCreationInputTokens()),
                Math.max(0, usage.reasoningTokens() - u.reasoningTokens())),
                Math.max(0, pricedCost - earlier.pricedCost),
                Math.min(Math.max(0, calls - earlier.calls), Math.max(0, unpricedCalls - earlier.unpricedCalls)));
    }

    /** Dollars spent, when every call was priced. */
    public OptionalDouble cost() {
        return unpricedCalls == 0 ? OptionalDouble.of(pricedCost) : OptionalDouble.empty();
    }

    /** Every token processed (see {@link Usage#totalTokens()}). */
    public long tokens() {
        return usage.totalTokens();
    }

    /**
     * The JSON form as text, compact (zero counts, {@code "calls":1} and an all-unpriced count left
     * out; {@link #fromJson} reads them back), written without a JSON tree: it is appended to a
     * session line per model call, so it should cost few bytes.
     */
    public String toJsonText() {
        StringBuilder b = new StringBuilder(96).append('{');
        if (calls != 1) {
            field(b, "calls", calls);
        }
        field(b, "input_tokens", usage.inputTokens());
        field(b, "output_tokens", usage.outputTokens());
        field(b, "cache_read_input_tokens", usage.cacheReadInputTokens());
        field(b, "cache_creation_input_tokens", usage.cacheCreationInputTokens());
        field(b, "reasoning_tokens", usage.reasoningTokens());
        if (unpricedCalls == 0) {
            b.append(b.length() > 1 ? "," : "").append("\"cost_usd\":").append(pricedCost);
        } else {
            if (pricedCost > 0) {
                b.append(b.length() > 1 ? "," : "").append("\"priced_cost_usd\":").append(pricedCost);
            }
            if (unpricedCalls != calls) {
                field(b, "unpriced_calls", unpricedCalls);
            }
        }
        return b.append('}').toString();
    }

    private static void field(StringBuilder b, String name, long value) {
        if (value != 0 || name.equals("calls")) {
            b.append(b.length() > 1 ? "," : "").append('"').append(name).append("\":").append(value);
        }
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("calls", calls);
        n.put("input_tokens", usage.inputTokens());
        n.put("output_tokens", usage.outputTokens());
        n.put("cache_read_input_tokens", usage.cacheReadInputTokens());
        n.put("cache_creation_input_tokens", usage.cacheCreationInputTokens());
        n.put("reasoning_tokens", usage.reasoningTokens());
        n.put("total_tokens", usage.totalTokens());
        if (unpricedCalls == 0) {
            n.put("cost_usd", pricedCost);
        } else {
            if (pricedCost > 0) {
                n.put("priced_cost_usd", pricedCost);
            }
            n.put("unpriced_calls", unpricedCalls);
        }
        return n;
    }

    /**
     * Reads the JSON form back; a missing {@code calls} counts as one call (a message line's usage),
     * and missing token fields as 0. A call without {@code cost_usd} is unpriced.
     */
    public static UsageTotals fromJson(JsonNode n) {
        long calls = Math.max(0, n.path("calls").asLong(1));
        Usage usage = new Usage(count(n, "input_tokens"), count(n, "output_tokens"), count(n, "cache_read_input_tokens"),
                count(n, "cache_creation_input_tokens"), count(n, "reasoning_tokens"));
        double cost = Math.max(0, n.has("cost_usd") ? n.path("cost_usd").asDouble(0) : n.path("priced_cost_usd").asDouble(0));
        long unpriced = n.has("cost_usd") ? 0 : Math.min(calls, n.has("unpriced_calls") ? count(n, "unpriced_calls") : calls);
        return new UsageTotals(calls, usage, Double.isNaN(cost) ? 0 : cost, unpriced);
    }

    private static long count(JsonNode n, String field) {
        return Math.max(0, n.path(field).asLong(0));
    }
}
