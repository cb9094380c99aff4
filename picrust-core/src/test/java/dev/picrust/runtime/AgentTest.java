package dev.picrust.runtime;

import static dev.picrust.runtime.ScriptedProvider.call;
import static dev.picrust.runtime.ScriptedProvider.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.event.EndReason;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.session.SessionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {
    @TempDir Path dir;

    @Test
    void oneCallReturnsTheTextUsageAndSessionAndTheNextCallContinuesIt() throws Exception {
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t1", "Echo", "{\"text\":\"hi\"}")))
                .thenText("The echo said hi.")
                .thenText("Still the same session.");
        try (Agent agent = Agent.builder(provider).tools(TestTools.echo())
                .sessionStore(SessionStore.at(dir)).build()) {
            Agent.Result first = agent.run("echo hi");
            assertThat(first.text()).isEqualTo("The echo said hi.");
            assertThat(first.completed()).isTrue();
            assertThat(first.usage().outputTokens()).isPositive();
            assertThat(first.sessionId()).isEqualTo(agent.sessionId());

            Agent.Result second = agent.run("and again?");
            assertThat(second.text()).isEqualTo("Still the same session.");
            assertThat(provider.requests().getLast().messages()).hasSize(5);
        }
    }

    @Test
    void theApproverDecidesPermissionRequestsAndWithoutOneTheyAreRefused() throws Exception {
        List<String> asked = new ArrayList<>();
        ScriptedProvider provider = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t1", "Mutate", "{}")))
                .thenText("done");
        try (Agent agent = Agent.builder(provider).tools(TestTools.mutate()).sessionStore(SessionStore.at(dir))
                .approver(request -> {
                    asked.add(request.toolName());
                    return PermissionAnswer.allowOnce();
                }).build()) {
            assertThat(agent.run("change it").completed()).isTrue();
        }
        assertThat(asked).containsExactly("Mutate");
        assertThat(provider.requests().getLast().messages().getLast().toolResults().getFirst().isError()).isFalse();

        ScriptedProvider refused = new ScriptedProvider()
                .then((r, l, c) -> toolCalls(call("t2", "Mutate", "{}")))
                .thenText("could not");
        try (Agent agent = Agent.builder(refused).tools(TestTools.mutate()).sessionStore(SessionStore.at(dir.resolve("b")))
                .build()) {
            assertThat(agent.run("change it").text()).isEqualTo("could not");
        }
        assertThat(refused.requests().getLast().messages().getLast().toolResults().getFirst().isError()).isTrue();
    }

    @Test
    void aProviderFailureIsAResultNotAnException() throws Exception {
        ScriptedProvider failing = new ScriptedProvider().then((r, l, c) -> {
            throw new dev.picrust.llm.LlmException(dev.picrust.llm.LlmException.Kind.CONNECTION, "no route to model");
        });
        try (Agent agent = Agent.builder(failing).sessionStore(SessionStore.at(dir)).build()) {
            Agent.Result result = agent.run("hello");
            assertThat(result.endReason()).isEqualTo(EndReason.ERROR);
            assertThat(result.completed()).isFalse();
            assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("no route to model"));
        }
    }
}
