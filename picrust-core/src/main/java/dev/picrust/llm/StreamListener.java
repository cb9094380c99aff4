package dev.picrust.llm;

/** Receives {@link StreamEvent}s on the calling thread while a provider call runs. */
@FunctionalInterface
public interface StreamListener {
    StreamListener NONE = event -> {};

    void onEvent(StreamEvent event);
}
