package dev.picrust.agent;

import dev.picrust.event.EndReason;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.permission.PendingRequest;
import dev.picrust.permission.PendingRequests;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.event.AgentState;
import dev.picrust.event.OutputChunk;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kill the JVM while a tool call waits for approval; a resumed agent asks again and finishes. */
class DurableApprovalIT {
    @TempDir Path dir;

    @Test
    void approvalSurvivesKillDashNine() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DurableApprovalChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String requestId;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("child announced its pending request").startsWith("PENDING ");
            requestId = line.substring("PENDING ".length());
            child.destroyForcibly();   // SIGKILL while the agent waits for the human
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (AgentSession s = store.open(DurableApprovalChild.SESSION)) {
            List<PendingRequest> pending = new PendingRequests(s.state()).all();
            assertThat(pending).extracting(PendingRequest::requestId).containsExactly(requestId);
            assertThat(s.messages().getLast().toolUses()).hasSize(1);
        }
        assertThat(dir.resolve("executions.log")).doesNotExist();

        QueueProvider provider = new QueueProvider().then(r -> StandardAgentTest.text("done after approval"));
        try (AgentRuntime runtime = new AgentRuntime(store)) {
            AgentHandle h = runtime.resume(DurableApprovalChild.config(provider, dir), DurableApprovalChild.SESSION);
            Subscription sub = h.subscribe();
            assertThat(h.pendingRequests()).extracting(PendingRequest::requestId).containsExactly(requestId);
            awaitWaitingFor(h, sub, requestId);
            assertThat(h.answerPermission(requestId, PermissionAnswer.allowOnce())).isTrue();
            List<OutputChunk> rest = StandardAgentTest.untilDone(sub);
            assertThat(rest).contains(new OutputChunk.Done(EndReason.END_TURN));
            assertThat(h.pendingRequests()).isEmpty();
        }

        assertThat(Files.readAllLines(dir.resolve("executions.log"))).containsExactly("ran x");
        try (AgentSession s = store.open(DurableApprovalChild.SESSION)) {
            List<Message> history = s.messages();
            assertThat(history).extracting(Message::role)
                    .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
            ToolResultBlock result = history.get(2).toolResults().getFirst();
            assertThat(result.toolUseId()).isEqualTo("toolu_durable");
            assertThat(result.isError()).isFalse();
            assertThat(result.text()).isEqualTo("mutated x");
            assertThat(s.records()).anyMatch(r -> r.path("record").asText().equals("permission_decision")
                    && r.path("decision").asText().equals("allow"));
            assertThat(new PendingRequests(s.state()).all()).isEmpty();
        }
    }

    /** Subscribed first, so either the state already shows the wait or its state_change chunk follows. */
    private static void awaitWaitingFor(AgentHandle h, Subscription sub, String requestId) throws Exception {
        if (h.state() instanceof AgentState.WaitingForPermission w && w.requestId().equals(requestId)) {
            return;
        }
        while (true) {
            Optional<OutputChunk> c = sub.poll(Duration.ofSeconds(20));
            assertThat(c).as("waiting for the re-raised request").isPresent();
            if (c.get() instanceof OutputChunk.PermissionRequest r) {
                assertThat(r.requestId()).isEqualTo(requestId);
                return;
            }
        }
    }
}
