package dev.picrust.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

/** The session's per-record work: a message to its history line and back. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MessageCodecBenchmark {
    private Message toolCall;
    private byte[] toolCallLine;
    private List<Message> history;

    @Setup
    public void build() {
        history = Conversations.toolLoop(5);
        toolCall = history.get(1);
        toolCallLine = MessageCodec.toBytes(toolCall);
    }

    /** What {@code AgentSession.append} encodes for an assistant tool call. */
    @Benchmark
    public byte[] encodeHistoryLine() {
        return MessageCodec.toBytes(toolCall);
    }

    /** What loading a session does per line. */
    @Benchmark
    public Message decodeHistoryLine() throws IOException {
        JsonNode node = Json.parse(toolCallLine);
        return MessageCodec.fromJson(node);
    }

    /** Encode and decode a whole 11-message history (the shape of an idle agent of the load run). */
    @Benchmark
    public List<Message> roundTripHistory() throws IOException {
        byte[] bytes = Json.writeBytes(out -> MessageCodec.write(out, history));
        List<Message> decoded = new ArrayList<>(history.size());
        for (JsonNode node : Json.parse(bytes)) {
            decoded.add(MessageCodec.fromJson(node));
        }
        return decoded;
    }
}
