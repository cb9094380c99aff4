package dev.picrust.bench.load;

import dev.picrust.runtime.AgentHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Sends every agent its prompt, in order, evenly spread over the ramp; remembers when each went out. */
final class PromptSender implements Runnable {
    private final AgentHandle[] handles;
    private final long start;
    private final long rampNanos;
    private final long[] sentAt;
    private final AtomicInteger sent = new AtomicInteger();

    PromptSender(AgentHandle[] handles, long start, Duration ramp) {
        this.handles = handles;
        this.start = start;
        this.rampNanos = ramp.toNanos();
        this.sentAt = new long[handles.length];
    }

    @Override
    public void run() {
        int n = handles.length;
        for (int i = 0; i < n; i++) {
            long due = start + (n == 1 ? 0 : rampNanos * i / (n - 1));
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            sentAt[i] = System.nanoTime();
            handles[i].send(AgentLoadBenchmark.PROMPT);
            sent.set(i + 1);
        }
    }

    /** Agents 0 .. sent()-1 have their prompt; their {@link #sentAt} is visible to the caller. */
    int sent() {
        return sent.get();
    }

    long sentAt(int agent) {
        return sentAt[agent];
    }
}
