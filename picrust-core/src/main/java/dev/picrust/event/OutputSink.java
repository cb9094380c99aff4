package dev.picrust.event;

/**
 * Where an agent announces its {@link OutputChunk}s. The runtime's bus fans them out to subscribers;
 * a loop only ever publishes, so it needs nothing more than this.
 */
@FunctionalInterface
public interface OutputSink {
    /** Never blocks: a slow subscriber loses chunks for itself only. */
    void publish(OutputChunk chunk);
}
