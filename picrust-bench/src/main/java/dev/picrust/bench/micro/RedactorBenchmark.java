package dev.picrust.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.secret.Redactor;
import java.nio.charset.StandardCharsets;
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

/** What redaction costs per session line and per tool input on the loop's path, where almost nothing is a secret. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RedactorBenchmark {
    private final Redactor redactor = Redactor.shared();
    private String toolCallLine;
    private String toolResultLine;
    private JsonNode toolInput;

    @Setup
    public void build() {
        List<Message> history = Conversations.toolLoop(5);
        toolCallLine = new String(MessageCodec.toBytes(history.get(1)), StandardCharsets.UTF_8);
        toolResultLine = new String(MessageCodec.toBytes(history.get(2)), StandardCharsets.UTF_8);
        toolInput = Json.object().put("command", "ls -la /tmp && echo done").put("timeout", 30);
    }

    /** An assistant tool-call line as the session writes it. */
    @Benchmark
    public String toolCallLine() {
        return redactor.redact(toolCallLine);
    }

    /** A tool-result line as the session writes it. */
    @Benchmark
    public String toolResultLine() {
        return redactor.redact(toolResultLine);
    }

    /** A tool's input as the {@code tool_start} chunk reports it. */
    @Benchmark
    public JsonNode toolInput() {
        return redactor.redact(toolInput);
    }
}
