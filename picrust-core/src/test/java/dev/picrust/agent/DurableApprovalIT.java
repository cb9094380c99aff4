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

    /** Starts the child JVM, waits for its pending request, kills it with SIGKILL; returns the request id. */
    private String killWhileWaiting(String... mode) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DurableApprovalChild.class.getName(), dir.toString()));
        command.addAll(List.of(mode));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("child announced its pending request").startsWith("PENDING ");
            child.destroyForcibly();   // SIGKILL while the agent waits for the human
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return line.substring("PENDING ".length());
        }
    }

    @Test
    void approvalSurvivesKillDashNine() throws Exception {
        String requestId = killWhileWaiting();

        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (AgentSession s = store.open(DurableApprovalChild.SESSION)) {
            List<PendingRequest> pending = new PendingRequests(s.state()).all();
            assertThat(pending).extracting(PendingRequest::requestId).containsExactly(requestId);
            assertThat(s.messages().getLast().toolUses()).hasSize(1);
        }
        assertThat(dir.resolve("executions.log")).doesNotExist();

        QueueProvider provider = new QueueProvider().then(r -> StandardAgentTest.text("done after approval"));
        try (AgentRuntime runtime = new AgentRuntime(store)) {
            AgentHandle h = runtime.resume(DurableApprovalChild.config(provider, dir).build(), DurableApprovalChild.SESSION);
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

    /**
     * A PreToolUse hook's "ask" on a call the rules alone would allow (a read-only tool): killed while
     * it waits, then resumed with nobody to answer. Before, the stored request was decided again by the
     * rules alone and the tool ran; now the hook's ruling is kept with the request and the call is
     * refused with the hook's reason.
     */
    @Test
    void aHooksAskSurvivesTheCrashAndIsRefusedWhenResumedHeadless() throws Exception {
        String requestId = killWhileWaiting("hook-ask");
        SessionStore store = SessionStore.at(dir.resolve("sessions"));
        try (AgentSession s = store.open(DurableApprovalChild.SESSION)) {
            PendingRequest stored = new PendingRequests(s.state()).get(requestId).orElseThrow();
            assertThat(stored.hookRuling()).hasValueSatisfying(h -> assertThat(h.reason())
                    .isEqualTo(DurableApprovalChild.HOOK_REASON));
        }

        QueueProvider provider = new QueueProvider().then(r -> StandardAgentTest.text("went on without it"));
        try (AgentRuntime runtime = new AgentRuntime(store)) {
            AgentHandle h = runtime.resume(DurableApprovalChild.hookAskConfig(provider, dir, false).build(),
                    DurableApprovalChild.SESSION);
            Subscription sub = h.subscribe();
            List<OutputChunk> rest = StandardAgentTest.untilDone(sub);
            assertThat(rest).contains(new OutputChunk.Done(EndReason.END_TURN));
            assertThat(rest).noneMatch(OutputChunk.ToolStart.class::isInstance);
            assertThat(h.pendingRequests()).isEmpty();
        }

        assertThat(dir.resolve("executions.log")).as("the tool never ran").doesNotExist();
        try (AgentSession s = store.open(DurableApprovalChild.SESSION)) {
            ToolResultBlock result = s.messages().get(2).toolResults().getFirst();
            assertThat(result.toolUseId()).isEqualTo("toolu_durable");
            assertThat(result.isError()).isTrue();
            assertThat(result.text()).contains(DurableApprovalChild.HOOK_REASON)
                    .contains("Nobody is available to approve it");
            assertThat(s.records()).anyMatch(r -> r.path("record").asText().equals("permission_decision")
                    && r.path("decision").asText().equals("deny") && r.path("source").asText().equals("no_answerer"));
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
