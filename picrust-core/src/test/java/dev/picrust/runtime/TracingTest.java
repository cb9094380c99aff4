package dev.picrust.runtime;

import static dev.picrust.runtime.ScriptedProvider.call;
import static dev.picrust.runtime.ScriptedProvider.text;
import static dev.picrust.runtime.ScriptedProvider.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.agent.SubagentSpec;
import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The spans an agent emits on a configured OpenTelemetry, read back from the SDK's in-memory exporter:
 * names, kinds, nesting (a subagent under the Task call that started it) and the GenAI attributes.
 */
class TracingTest extends RuntimeTestBase {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> CONVERSATION = AttributeKey.stringKey("gen_ai.conversation.id");
    static final AttributeKey<String> AGENT = AttributeKey.stringKey("gen_ai.agent.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<List<String>> FINISH = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> TOOL = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("picrust.tool.outcome");
    static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<String> ARGUMENTS = AttributeKey.stringKey("gen_ai.tool.call.arguments");
    static final AttributeKey<String> RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");

    static final String CHILD = "You are the child.";
    static final SubagentSpec CHILD_SPEC = SubagentSpec.builder("helper", "helps").systemPrompt(CHILD).build();

    InMemorySpanExporter exporter;
    OpenTelemetrySdk otel;

    @BeforeEach
    void startTracing() {
        exporter = InMemorySpanExporter.create();
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
    }

    @AfterEach
    void stopTracing() {
        otel.close();
    }

    /** Runs one turn and waits until the agent is idle again (its turn span has ended by then). */
    List<OutputChunk> turn(AgentHandle handle, String prompt) throws InterruptedException {
        Subscription sub = handle.subscribe();
        handle.send(prompt);
        List<OutputChunk> chunks = untilDone(sub);
        untilIdle(sub);
        return chunks;
    }

    SpanData span(String name) {
        List<SpanData> found = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("one span named %s in %s", name, names()).hasSize(1);
        return found.getFirst();
    }

    List<String> names() {
        return exporter.getFinishedSpanItems().stream().map(SpanData::getName).toList();
    }

    @Test
    void aTurnWithToolsAndASubagentGivesNestedGenAiSpans() throws Exception {
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("e1", "Echo", "{\"v\":\"hi\"}"),
                        call("k1", "Task", SubagentsTest.task("look", "find it", "helper"))))
                .thenText("parent done");
        provider.forSystemPrompt(CHILD).thenText("child answer");
        AgentHandle parent = runtime.spawn(config(provider, TestTools.echo()).agentType("boss")
                .subagents(List.of(CHILD_SPEC)).openTelemetry(otel).build(), "parent");
        List<OutputChunk> chunks = turn(parent, "delegate");
        assertThat(done(chunks).reason()).isEqualTo(EndReason.END_TURN);

        SpanData agent = span("invoke_agent boss");
        SpanData echo = span("execute_tool Echo");
        SpanData task = span("execute_tool Task");
        SpanData child = span("invoke_agent helper");
        List<SpanData> chats = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("chat scripted-model")).toList();
        assertThat(chats).hasSize(3);

        // nesting: one trace; the parent's calls under its turn, the child's turn under the Task call
        assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getTraceId).containsOnly(agent.getTraceId());
        assertThat(agent.getParentSpanContext().isValid()).isFalse();
        assertThat(echo.getParentSpanId()).isEqualTo(agent.getSpanId());
        assertThat(task.getParentSpanId()).isEqualTo(agent.getSpanId());
        assertThat(child.getParentSpanId()).isEqualTo(task.getSpanId());
        List<SpanData> parentChats = chats.stream().filter(s -> s.getParentSpanId().equals(agent.getSpanId())).toList();
        List<SpanData> childChats = chats.stream().filter(s -> s.getParentSpanId().equals(child.getSpanId())).toList();
        assertThat(parentChats).hasSize(2);
        assertThat(childChats).hasSize(1);

        // the turn
        assertThat(agent.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(agent.getAttributes().get(OPERATION)).isEqualTo("invoke_agent");
        assertThat(agent.getAttributes().get(AGENT)).isEqualTo("boss");
        assertThat(agent.getAttributes().get(PROVIDER)).isEqualTo("scripted");
        assertThat(agent.getAttributes().get(CONVERSATION)).isEqualTo("parent");
        String childSession = child.getAttributes().get(CONVERSATION);
        assertThat(childSession).startsWith("sub-");
        assertThat(store.readMetadata(childSession).orElseThrow().parentId()).contains("parent");

        // the model calls
        SpanData first = parentChats.stream().filter(s -> s.getAttributes().get(FINISH).equals(List.of("tool_use")))
                .findFirst().orElseThrow();
        assertThat(first.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(first.getAttributes().get(OPERATION)).isEqualTo("chat");
        assertThat(first.getAttributes().get(REQUEST_MODEL)).isEqualTo("scripted-model");
        assertThat(first.getAttributes().get(RESPONSE_MODEL)).isEqualTo("m");
        assertThat(first.getAttributes().get(INPUT_TOKENS)).isEqualTo(10L);
        assertThat(first.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(5L);
        assertThat(first.getAttributes().get(CONVERSATION)).isEqualTo("parent");
        assertThat(childChats.getFirst().getAttributes().get(FINISH)).containsExactly("end_turn");
        assertThat(childChats.getFirst().getAttributes().get(CONVERSATION)).isEqualTo(childSession);

        // the tool runs
        assertThat(echo.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(echo.getAttributes().get(OPERATION)).isEqualTo("execute_tool");
        assertThat(echo.getAttributes().get(TOOL)).isEqualTo("Echo");
        assertThat(echo.getAttributes().get(CALL_ID)).isEqualTo("e1");
        assertThat(echo.getAttributes().get(OUTCOME)).isEqualTo("success");
        assertThat(echo.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(task.getAttributes().get(CALL_ID)).isEqualTo("k1");

        // content is off by default
        assertThat(exporter.getFinishedSpanItems()).allSatisfy(s -> {
            assertThat(s.getAttributes().get(INPUT_MESSAGES)).isNull();
            assertThat(s.getAttributes().get(OUTPUT_MESSAGES)).isNull();
            assertThat(s.getAttributes().get(ARGUMENTS)).isNull();
            assertThat(s.getAttributes().get(RESULT)).isNull();
        });
    }

    @Test
    void contentIsRecordedOnlyWhenEnabledAndRedacted() throws Exception {
        String key = "sk-ant-api03-" + "Q".repeat(40);
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("e1", "Echo", "{\"v\":\"" + key + "\"}")))
                .thenText("all good");
        AgentHandle handle = runtime.spawn(config(provider, TestTools.echo()).openTelemetry(otel).traceContent(true)
                .build(), "content");
        turn(handle, "use the key " + key + " please");

        List<SpanData> chats = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat ")).toList();
        String input = chats.getFirst().getAttributes().get(INPUT_MESSAGES);
        assertThat(input).contains("\"role\":\"user\"").contains("use the key").doesNotContain(key);
        assertThat(chats.getLast().getAttributes().get(OUTPUT_MESSAGES)).contains("all good").contains("\"finish_reason\":\"end_turn\"");
        SpanData echo = span("execute_tool Echo");
        assertThat(echo.getAttributes().get(ARGUMENTS)).contains("[REDACTED]").doesNotContain(key);
        assertThat(echo.getAttributes().get(RESULT)).startsWith("echo:").doesNotContain(key);
    }

    static dev.picrust.tool.Tool failing() {
        return new TestTools.Simple("Fail", true) {
            public dev.picrust.tool.ToolResult execute(com.fasterxml.jackson.databind.JsonNode input,
                                                       dev.picrust.tool.ToolContext ctx) throws dev.picrust.tool.ToolException {
                throw new dev.picrust.tool.ToolException("it broke");
            }
        };
    }

    @Test
    void failuresSetErrorTypeAndStatus() throws Exception {
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("u1", "NoSuchTool", "{}"), call("m1", "Fail", "{}")));
        // no second step: the provider fails the next call with an INVALID_REQUEST error
        AgentHandle handle = runtime.spawn(config(provider, failing()).openTelemetry(otel).build(), "fails");
        List<OutputChunk> chunks = turn(handle, "go");
        assertThat(done(chunks).reason()).isEqualTo(EndReason.ERROR);

        SpanData failed = span("execute_tool Fail");
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(ERROR)).isIn("tool_error", "exception");
        assertThat(names()).as("a call that never ran has no execute_tool span").doesNotContain("execute_tool NoSuchTool");
        SpanData lastChat = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat "))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(lastChat.getAttributes().get(ERROR)).isEqualTo("invalid_request");
        assertThat(lastChat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        SpanData agent = span("invoke_agent agent");
        assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(agent.getAttributes().get(AttributeKey.stringKey("picrust.end_reason"))).isEqualTo("error");
    }
}
