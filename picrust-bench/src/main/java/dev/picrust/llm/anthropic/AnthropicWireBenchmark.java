package dev.picrust.llm.anthropic;

import dev.picrust.bench.micro.Conversations;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.sse.SseEvent;
import dev.picrust.llm.sse.SseReader;
import dev.picrust.testkit.FixtureFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The provider's per-call work outside the network: turning a recorded SSE response into an
 * {@link LlmResponse}, and encoding a request body. Lives in the provider's package (in this module)
 * because the stream accumulator and request encoder are package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AnthropicWireBenchmark {
    private byte[] textThenToolUse;
    private LlmRequest twelveMessages;

    @Setup
    public void load() throws IOException {
        textThenToolUse = Files.readAllBytes(FixtureFiles.llm("anthropic-sse-text-then-tool-use.sse"));
        twelveMessages = Conversations.toolLoopRequest(5);
    }

    /** SSE bytes of a recorded text + tool_use answer (19 events) to the complete response. */
    @Benchmark
    public LlmResponse parseRecordedStream() throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(textThenToolUse));
        MessageStreamAccumulator accumulator = new MessageStreamAccumulator(StreamListener.NONE);
        Optional<SseEvent> event;
        while (!accumulator.isComplete() && (event = reader.next()).isPresent()) {
            accumulator.accept(event.get());
        }
        return accumulator.finish();
    }

    /** The body of the last request of a 5-step tool loop (system, one tool, 11 messages), as the provider writes it. */
    @Benchmark
    public byte[] encodeRequestBody() {
        return MessagesRequest.toBytes(twelveMessages, twelveMessages.model(), true);
    }
}
