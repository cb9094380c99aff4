package dev.picrust.bench.load;

import java.util.Arrays;

/**
 * What one agent's thread did between model calls. Written only by that agent's thread (the
 * provider decorator and the tool both run on it), read by the harness after the turn.
 *
 * <p>The added latency of a loop iteration is the time from the end of one model call to the start
 * of the next, minus the time the tool itself reported: what the framework spent appending to the
 * session, running the executor, publishing output and building the next request.
 */
final class AgentTimings {
    private long lastCallEnd;
    private long toolNanosSinceCall;
    private long[] gaps = new long[8];
    private int gapCount;
    private int calls;
    private long toolNanos;
    private int toolCalls;

    void callStarting(long now) {
        if (calls > 0) {
            if (gapCount == gaps.length) {
                gaps = Arrays.copyOf(gaps, gapCount * 2);
            }
            gaps[gapCount++] = now - lastCallEnd - toolNanosSinceCall;
        }
        toolNanosSinceCall = 0;
    }

    void callEnded(long now) {
        calls++;
        lastCallEnd = now;
    }

    void toolRan(long nanos) {
        toolNanosSinceCall += nanos;
        toolNanos += nanos;
        toolCalls++;
    }

    int calls() {
        return calls;
    }

    int toolCalls() {
        return toolCalls;
    }

    long toolNanos() {
        return toolNanos;
    }

    /** Copies this agent's gaps into {@code into} from {@code offset}; returns how many. */
    int copyGaps(long[] into, int offset) {
        int n = Math.min(gapCount, into.length - offset);
        System.arraycopy(gaps, 0, into, offset, n);
        return n;
    }

    int gapCount() {
        return gapCount;
    }
}
