package dev.picrust.bench.load;

import java.util.Arrays;

/** Percentiles of a set of durations, in milliseconds (nearest-rank). */
public record LatencySummary(int count, double p50Ms, double p90Ms, double p99Ms, double maxMs, double meanMs) {

    static LatencySummary ofNanos(long[] values, int count) {
        if (count == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new LatencySummary(count, ms(rank(sorted, 0.50)), ms(rank(sorted, 0.90)), ms(rank(sorted, 0.99)),
                ms(sorted[count - 1]), sum / count / 1e6);
    }

    private static long rank(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
