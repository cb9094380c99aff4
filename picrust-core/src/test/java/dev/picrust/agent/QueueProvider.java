package dev.picrust.agent;

import dev.picrust.Cancellation;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmProvider;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StreamEvent;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.TextBlock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Core's own minimal provider for loop tests (the testkit's ScriptedModel depends on core, so core
 * cannot use it). Each call takes the next step from a queue; a step sees the request.
 */
final class QueueProvider implements LlmProvider {
    interface Step extends Function<LlmRequest, LlmResponse> {}

    final BlockingQueue<Step> steps = new LinkedBlockingQueue<>();
    final List<LlmRequest> requests = new CopyOnWriteArrayList<>();

    QueueProvider then(Step step) {
        steps.add(step);
        return this;
    }

    @Override
    public String name() {
        return "queue";
    }

    @Override
    public String defaultModel() {
        return "queue-model";
    }

    @Override
    public LlmResponse send(LlmRequest request, Cancellation cancellation) {
        return stream(request, StreamListener.NONE, cancellation);
    }

    @Override
    public LlmResponse stream(LlmRequest request, StreamListener listener, Cancellation cancellation) {
        requests.add(request);
        Step step = steps.poll();
        if (step == null) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "no scripted response left");
        }
        LlmResponse response = step.apply(request);
        cancellation.throwIfCancelled();
        response.content().forEach(b -> {
            if (b instanceof TextBlock t) {
                listener.onEvent(new StreamEvent.TextDelta(0, t.text()));
            }
        });
        return response;
    }
}
