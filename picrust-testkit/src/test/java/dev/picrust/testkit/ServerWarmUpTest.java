package dev.picrust.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ServerWarmUpTest {

    @Test
    void runsOneWholeConversationPerConnection() {
        try (MockLlmServer server = MockLlmServer.start().recordRequests(false)
                .latency(Duration.ofMillis(1)).respondAlways(new ToolLoopResponder(3, "echo"))) {
            ServerWarmUp.run(server, 3, 40);

            assertThat(server.requestCount()).isEqualTo(40 * 4);
            assertThat(server.unscriptedRequestCount()).isZero();
        }
    }

    @Test
    void failsWhenTheServerDoesNotAnswer200() {
        try (MockLlmServer server = MockLlmServer.start()) { // no responder: every request gets a 500
            assertThatThrownBy(() -> ServerWarmUp.run(server, 1, 2))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("warm-up failed");
        }
    }
}
