package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.event.EndReason;
import dev.picrust.event.OutputChunk;
import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.ProviderToolLoopTest.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A 25 MB answer and a 25 MB Write input - over Jackson's default 20,000,000-character string limit,
 * at which such lines were once skipped when a session was loaded - go through each provider's real
 * stream over loopback, into the session, through a resume, and back to the model in the next request.
 */
class LargeContentRoundTripTest {
    private static final int SIZE = 25_000_000;

    @TempDir Path dir;

    /** Not one repeated character: every piece of the stream and the line differs from its neighbours. */
    private static String large(char first) {
        StringBuilder text = new StringBuilder(SIZE);
        for (int i = 0; text.length() < SIZE; i++) {
            text.append(first).append(i % 10);
        }
        text.setLength(SIZE);
        return text.toString();
    }

    /** 25 MB pass through the redactor, the stream, the tool and the disk several times: slow on a loaded machine. */
    private static List<OutputChunk> untilDone(Subscription sub) throws InterruptedException {
        List<OutputChunk> chunks = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Optional<OutputChunk> next = sub.poll(java.time.Duration.ofNanos(deadline - System.nanoTime()));
            if (next.isEmpty()) {
                break;
            }
            chunks.add(next.get());
            if (next.get() instanceof OutputChunk.Done) {
                return chunks;
            }
        }
        throw new AssertionError("no done chunk within 5 minutes: " + chunks);
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void aTwentyFiveMegabyteAnswerAndWriteSurviveAResume(Api api) throws Exception {
        String content = large('w');
        String answer = large('a');
        Path work = Files.createDirectories(dir.resolve("work"));
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (MockLlmServer server = MockLlmServer.start()) {
            server.enqueue(
                    ServerStep.content(StopReason.TOOL_USE, List.of(ScriptedModel.toolUse("Write",
                            Json.object().put("file_path", "big.txt").put("content", content)))),
                    ServerStep.text(answer),
                    ServerStep.text("still here"));
            try (AgentRuntime runtime = new AgentRuntime(store)) {
                AgentHandle handle = runtime.spawn(api.agent(server, work).build(), "big");
                Subscription sub = handle.subscribe(Integer.MAX_VALUE);
                handle.send("write a big file, then say a lot");
                List<OutputChunk> chunks = untilDone(sub);
                assertThat(((OutputChunk.Done) chunks.getLast()).reason()).isEqualTo(EndReason.END_TURN);
                assertThat(chunks).noneMatch(OutputChunk.Status.class::isInstance);
                assertThat(Files.readString(work.resolve("big.txt"))).isEqualTo(content);
                handle.shutdown();
                handle.awaitTermination(ProviderToolLoopTest.WAIT);
            }
            try (AgentRuntime runtime = new AgentRuntime(SessionStore.at(dir.resolve("sessions")))) {
                AgentHandle resumed = runtime.resume(api.agent(server, work).build(), "big");
                Subscription sub = resumed.subscribe(Integer.MAX_VALUE);
                resumed.send("are you there?");
                List<OutputChunk> chunks = untilDone(sub);
                assertThat(chunks).as("nothing was repaired or skipped").noneMatch(OutputChunk.Status.class::isInstance);
                resumed.shutdown();
                resumed.awaitTermination(ProviderToolLoopTest.WAIT);
            }
            List<RecordedRequest> requests = server.requests();
            assertThat(requests).hasSize(3);
            String afterResume = requests.get(2).body().toString();
            assertThat(afterResume).contains(answer).contains(content);
        }
        try (var session = store.open("big")) {
            assertThat(session.loadWarnings()).isEmpty();
            List<Message> messages = session.messages();
            assertThat(messages.get(1).toolUses().getFirst().input().get("content").asText()).isEqualTo(content);
            assertThat(messages).contains(Message.assistant(List.of(new TextBlock(answer))));
            assertThat(messages.getLast().text()).isEqualTo("still here");
        }
    }
}
