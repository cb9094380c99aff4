package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.StatusCode;
import dev.picrust.llm.Message;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.ProviderToolLoopTest.Api;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A tool call whose input the model got wrong is answered with an error result saying what was wrong,
 * and the turn goes on; a call cut off by the output limit is reported as that. Each provider's own
 * stream format, over loopback HTTP.
 */
class MalformedToolInputTest {
    @TempDir Path dir;

    /** A complete Write call whose input is not JSON (an array's bracket closes the object). */
    private static final String BAD_INPUT = "{\"file_path\": \"x.txt\", \"content\": \"hi\"]";

    private static byte[] malformedCall(Api api) {
        String escaped = BAD_INPUT.replace("\"", "\\\"");
        String sse = switch (api) {
            case ANTHROPIC -> anthropic(escaped, "tool_use", true);
            case OPENAI -> openAi(escaped, "tool_calls");
            // Gemini sends a call whole, as parsed JSON: its mistake is arguments that are not an object.
            case GEMINI -> "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":"
                    + "{\"name\":\"Write\",\"args\":\"" + escaped + "\"}}]},\"finishReason\":\"STOP\"}],"
                    + "\"modelVersion\":\"m\"}\n\n";
        };
        return sse.getBytes(StandardCharsets.UTF_8);
    }

    private static String anthropic(String partialJson, String stopReason, boolean blockStops) {
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_bad\",\"name\":\"Write\",\"input\":{}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"input_json_delta\",\"partial_json\":\"" + partialJson + "\"}}\n\n"
                + (blockStops ? "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" : "")
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
                + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":20}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    }

    private static String openAi(String arguments, String finishReason) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_bad\",\"type\":\"function\","
                + "\"function\":{\"name\":\"Write\",\"arguments\":\"" + arguments + "\"}}]},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"" + finishReason + "\"}]}\n\n"
                + "data: [DONE]\n\n";
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void aMalformedInputIsAnsweredWithAnErrorAndTheTurnGoesOn(Api api) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (MockLlmServer server = MockLlmServer.start(); AgentRuntime runtime = new AgentRuntime(store)) {
            server.enqueue(new ServerStep.Raw(200, ServerStep.SSE_HEADERS, malformedCall(api)),
                    ServerStep.text("I will fix my input."));
            AgentHandle handle = runtime.spawn(api.agent(server, work).build(), "bad");
            Subscription sub = handle.subscribe(Integer.MAX_VALUE);
            handle.send("write x.txt");
            List<OutputChunk> chunks = ProviderToolLoopTest.untilDone(sub);

            assertThat(((OutputChunk.Done) chunks.getLast()).reason()).as(chunks.toString()).isEqualTo(EndReason.END_TURN);
            assertThat(chunks).noneMatch(c -> c instanceof OutputChunk.Status s && s.code() == StatusCode.TOOL_CALL_TRUNCATED);
            assertThat(work.resolve("x.txt")).doesNotExist();
            List<RecordedRequest> requests = server.requests();
            assertThat(requests).as("the model is asked again, with the error").hasSize(2);
            for (RecordedRequest request : requests) {
                assertThat(WireRequestCheck.problems(request)).as(request.body().toString()).isEmpty();
            }
            String second = requests.get(1).body().toString();
            String expected = api == Api.GEMINI ? "a JSON string, not a JSON object" : "not valid JSON";
            assertThat(second).contains(expected).contains("the tool was not run");
            handle.shutdown();
            handle.awaitTermination(ProviderToolLoopTest.WAIT);
        }
        try (AgentSession session = store.open("bad")) {
            List<ToolResultBlock> results = session.messages().stream().flatMap(m -> m.toolResults().stream()).toList();
            assertThat(results).hasSize(1);
            assertThat(results.getFirst().isError()).isTrue();
            assertThat(session.messages().getLast()).isEqualTo(Message.assistant("I will fix my input."));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Api.class, names = {"ANTHROPIC", "OPENAI"})
    void anInputCutOffByTheOutputLimitIsReportedAsThat(Api api) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        String cut = "{\\\"file_path\\\": \\\"x.txt\\\", \\\"content\\\": \\\"hal";
        String sse = api == Api.ANTHROPIC ? anthropic(cut, "max_tokens", true) : openAi(cut, "length");
        try (MockLlmServer server = MockLlmServer.start();
             AgentRuntime runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")))) {
            server.enqueue(new ServerStep.Raw(200, ServerStep.SSE_HEADERS, sse.getBytes(StandardCharsets.UTF_8)));
            AgentHandle handle = runtime.spawn(api.agent(server, work).build(), "cut");
            Subscription sub = handle.subscribe(Integer.MAX_VALUE);
            handle.send("write x.txt");
            List<OutputChunk> chunks = ProviderToolLoopTest.untilDone(sub);

            assertThat(((OutputChunk.Done) chunks.getLast()).reason()).isEqualTo(EndReason.MAX_TOKENS);
            assertThat(chunks).anyMatch(c -> c instanceof OutputChunk.Status s && s.code() == StatusCode.TOOL_CALL_TRUNCATED
                    && s.message().contains("max_tokens"));
            assertThat(server.requests()).hasSize(1);
            assertThat(work.resolve("x.txt")).doesNotExist();
            handle.shutdown();
            handle.awaitTermination(ProviderToolLoopTest.WAIT);
        }
    }
}
