package dev.picrust.bench.load;

import dev.picrust.Cancellation;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StreamListener;

/** Wraps the shared provider and timestamps the start and end of every call on the calling agent's thread. */
final class TimedProvider implements LlmProvider {
    private final LlmProvider delegate;
    private final TimingRegistry timings;

    TimedProvider(LlmProvider delegate, TimingRegistry timings) {
        this.delegate = delegate;
        this.timings = timings;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String defaultModel() {
        return delegate.defaultModel();
    }

    @Override
    public LlmResponse send(LlmRequest request, Cancellation cancellation) {
        AgentTimings t = timings.current();
        t.callStarting(System.nanoTime());
        try {
            return delegate.send(request, cancellation);
        } finally {
            t.callEnded(System.nanoTime());
        }
    }

    @Override
    public LlmResponse stream(LlmRequest request, StreamListener listener, Cancellation cancellation) {
        AgentTimings t = timings.current();
        t.callStarting(System.nanoTime());
        try {
            return delegate.stream(request, listener, cancellation);
        } finally {
            t.callEnded(System.nanoTime());
        }
    }
}
