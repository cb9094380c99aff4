package dev.picrust.agent;

import dev.picrust.event.OutputChunk;
import dev.picrust.event.OutputSink;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Per-agent objects tools share (background shells, read trackers), closed when the agent stops. */
final class AgentResources {
    private final Map<Class<?>, Object> resources = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    <T> T get(Class<T> type, Supplier<T> factory) {
        return (T) resources.computeIfAbsent(type, t -> factory.get());
    }

    void close(OutputSink output) {
        for (Object resource : resources.values()) {
            if (resource instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    output.publish(new OutputChunk.Error("could not release " + resource.getClass().getSimpleName()
                            + ": " + AgentInternals.describe(e)));
                }
            }
        }
        resources.clear();
    }
}
