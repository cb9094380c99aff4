package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import dev.picrust.tool.UserQuestions;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AskUserQuestionToolTest {
    @TempDir
    Path temp;
    final AskUserQuestionTool ask = new AskUserQuestionTool();

    static final String TWO_QUESTIONS = """
            {"questions":[
              {"question":"Which database?","header":"Database","multiSelect":false,
               "options":[{"label":"Postgres","description":"Relational"},{"label":"SQLite","description":"Embedded"}]},
              {"question":"Which features?","header":"Features","multiSelect":true,
               "options":[{"label":"Auth","description":"Login"},{"label":"Search","description":"Full text"}]}]}
            """;

    static UserQuestions answering(AtomicReference<JsonNode> asked, Map<String, String> answers) {
        return new UserQuestions() {
            @Override
            public boolean canAsk() {
                return true;
            }

            @Override
            public Map<String, String> ask(JsonNode questions) {
                asked.set(questions);
                return answers;
            }
        };
    }

    @Test
    void asksAndReturnsTheAnswersAsText() throws Exception {
        AtomicReference<JsonNode> asked = new AtomicReference<>();
        TestToolContext context = TestToolContext.in(temp).answering(answering(asked,
                Map.of("Which database?", "Postgres", "Which features?", "Auth, my own idea")));
        ToolResult result = context.run(ask, TWO_QUESTIONS);
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).isEqualTo("The user answered your questions:\n"
                + "- \"Which database?\" = \"Postgres\"\n"
                + "- \"Which features?\" = \"Auth, my own idea\"\n"
                + "Continue with these answers in mind.");
        assertThat(asked.get()).isEqualTo(Json.parse(TWO_QUESTIONS).get("questions"));
    }

    @Test
    void headlessRunsGetAClearErrorInsteadOfHanging() throws Exception {
        ToolResult result = TestToolContext.in(temp).run(ask, TWO_QUESTIONS);
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).startsWith("No one is available to answer questions in this run (headless)");
    }

    @Test
    void questionAndOptionCountsAreValidated() throws Exception {
        TestToolContext context = TestToolContext.in(temp).answering(answering(new AtomicReference<>(), Map.of()));
        String option = "{\"label\":\"A\",\"description\":\"a\"}";
        String oneOption = "{\"questions\":[{\"question\":\"Q?\",\"header\":\"H\",\"multiSelect\":false,\"options\":[" + option + "]}]}";
        assertThat(context.run(ask, oneOption).text()).contains("field 'questions[0].options' must have at least 2 items (got 1)");
        String q = "{\"question\":\"Q%d?\",\"header\":\"H\",\"multiSelect\":false,\"options\":[" + option
                + ",{\"label\":\"B\",\"description\":\"b\"}]}";
        String five = "{\"questions\":[" + String.join(",", q.formatted(1), q.formatted(2), q.formatted(3), q.formatted(4),
                q.formatted(5)) + "]}";
        assertThat(context.run(ask, five).text()).contains("field 'questions' must have at most 4 items (got 5)");
        assertThat(context.run(ask, "{\"questions\":[]}").text()).contains("at least 1 item");
        String repeated = "{\"questions\":[" + q.formatted(1) + "," + q.formatted(1) + "]}";
        assertThat(context.run(ask, repeated).text()).contains("repeats an earlier question");
    }

    @Test
    void interruptionPropagatesAsCancellation() {
        TestToolContext context = TestToolContext.in(temp).answering(new UserQuestions() {
            @Override
            public boolean canAsk() {
                return true;
            }

            @Override
            public Map<String, String> ask(JsonNode questions) {
                throw new CancellationException("interrupted");
            }
        });
        assertThatThrownBy(() -> context.run(ask, TWO_QUESTIONS)).isInstanceOf(CancellationException.class);
    }

    @Test
    void askingIsSequentialAndNeedsNoPermission() {
        assertThat(ask.readOnly()).isTrue();
        assertThat(ask.concurrencySafe()).isFalse();
    }
}
