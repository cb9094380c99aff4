package dev.picrust.permission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingRequestsTest {
    @TempDir
    Path root;

    static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    @Test
    void aPendingRequestSurvivesReopeningTheSessionWithTheSameId() {
        SessionStore store = SessionStore.at(root);
        PendingRequest request = PendingRequest.permission("toolu_7", "Bash",
                Json.object().put("command", "make deploy"), "Bash(make deploy) needs approval", T0,
                Optional.of(Duration.ofMinutes(10)));
        try (AgentSession session = store.create(SessionMetadata.create("s1", "coder", "m", "p"))) {
            new PendingRequests(session.state()).add(request);
        }

        // A new process: a fresh store reads the session back.
        try (AgentSession resumed = SessionStore.at(root).open("s1")) {
            PendingRequests pending = new PendingRequests(resumed.state());
            assertThat(pending.all()).containsExactly(request);
            PendingRequest again = pending.forToolUse("toolu_7").orElseThrow();
            assertThat(again.requestId()).isEqualTo(request.requestId()).startsWith("req_");
            assertThat(again.input().path("command").asText()).isEqualTo("make deploy");
            assertThat(again.deadline()).contains(T0.plus(Duration.ofMinutes(10)));

            assertThat(pending.remove(request.requestId())).isTrue();
            assertThat(pending.remove(request.requestId())).isFalse();
        }
        try (AgentSession reopened = SessionStore.at(root).open("s1")) {
            assertThat(new PendingRequests(reopened.state()).all()).isEmpty();
            assertThat(reopened.state().get(PendingRequests.KEY)).isEmpty();
        }
    }

    @Test
    void severalRequestsAndQuestionsCanWaitAtOnce() {
        try (AgentSession session = SessionStore.at(root).create(SessionMetadata.create("s2", "coder", "m", "p"))) {
            PendingRequests pending = new PendingRequests(session.state());
            PendingRequest a = PendingRequest.permission("t1", "Write", Json.object(), "r", T0, Optional.empty());
            PendingRequest q = PendingRequest.question("t2", Json.array().add(Json.object().put("question", "Which?")),
                    T0, Optional.empty());
            pending.add(a);
            pending.add(q);
            pending.add(a);
            assertThat(pending.all()).containsExactly(q, a);
            assertThat(pending.get(q.requestId())).contains(q);
            assertThat(q.kind()).isEqualTo(PendingRequest.Kind.QUESTION);
            assertThat(PendingRequest.fromJson(q.toJson())).isEqualTo(q);
        }
    }

    @Test
    void aHooksRulingIsKeptWithTheRequestAndAnUnreadableOneStaysAnAsk() {
        PendingRequest asked = PendingRequest.permission("t1", "Read", Json.object(), "a hook asks", T0, Optional.empty())
                .withHookRuling(Optional.of(new HookRuling(dev.picrust.event.PermissionBehavior.ASK, "look first", "guard")));
        assertThat(PendingRequest.fromJson(asked.toJson())).isEqualTo(asked);
        var json = asked.toJson();
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("hook_ruling")).put("behavior", "maybe");
        assertThat(PendingRequest.fromJson(json).hookRuling()).hasValueSatisfying(h ->
                assertThat(h.behavior()).isEqualTo(dev.picrust.event.PermissionBehavior.ASK));
        var old = asked.toJson();
        old.remove("hook_ruling");
        assertThat(PendingRequest.fromJson(old).hookRuling()).as("requests stored before the field existed").isEmpty();
    }

    @Test
    void deadlinesTurnIntoTimeoutDenials() {
        PendingRequest request = PendingRequest.permission("t1", "Bash", Json.object(), "r", T0,
                Optional.of(Duration.ofSeconds(30)));
        assertThat(request.isExpired(T0.plusSeconds(29))).isFalse();
        assertThat(request.remaining(T0.plusSeconds(10))).contains(Duration.ofSeconds(20));
        assertThat(request.isExpired(T0.plusSeconds(30))).isTrue();
        assertThat(request.remaining(T0.plusSeconds(60))).contains(Duration.ZERO);
        PermissionDecision.Deny deny = request.timeoutDenial();
        assertThat(deny.source()).isEqualTo(new DecisionSource.Timeout());
        assertThat(deny.reason()).contains("Nobody answered").contains("Bash");

        PendingRequest forever = PendingRequest.permission("t2", "Bash", Json.object(), "r", T0, Optional.empty());
        assertThat(forever.isExpired(T0.plus(Duration.ofDays(365)))).isFalse();
        assertThat(forever.remaining(T0)).isEmpty();

        try (AgentSession session = SessionStore.at(root).create(SessionMetadata.create("s3", "coder", "m", "p"))) {
            PendingRequests pending = new PendingRequests(session.state());
            pending.add(request);
            pending.add(forever);
            assertThat(pending.expired(T0.plusSeconds(31))).containsExactly(request);
        }
    }
}
