package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.event.OutputChunk;
import dev.picrust.session.AgentSession;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.ToolResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TodoWriteToolTest {
    @TempDir
    Path temp;
    final TodoWriteTool todoWrite = new TodoWriteTool();

    static final String TODOS = """
            {"todos":[
              {"content":"Write the tests","status":"completed","activeForm":"Writing the tests"},
              {"content":"Fix the bug","status":"in_progress","activeForm":"Fixing the bug"},
              {"content":"Update docs","status":"pending","activeForm":"Updating docs"}]}
            """;

    @Test
    void storesTheListInTheSessionAndAnnouncesIt() throws Exception {
        TestToolContext context = TestToolContext.in(temp);
        ToolResult result = context.run(todoWrite, TODOS);
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).contains("[x] 1. Write the tests\n[~] 2. Fix the bug\n[ ] 3. Update docs\n")
                .contains("(1 pending, 1 in progress, 1 completed)");
        JsonNode expected = Json.parse(TODOS).get("todos");
        assertThat(context.sessionState().get(TodoWriteTool.STATE_KEY)).contains(expected);
        assertThat(context.chunks(OutputChunk.TodoUpdate.class)).singleElement()
                .satisfies(update -> assertThat(update.todos()).isEqualTo(expected));
    }

    @Test
    void theListSurvivesReopeningTheSession() throws Exception {
        TestToolContext context = TestToolContext.in(temp);
        context.run(todoWrite, TODOS);
        context.run(todoWrite, "{\"todos\":[{\"content\":\"Only one\",\"status\":\"pending\",\"activeForm\":\"Doing one\"}]}");
        context.session().close();
        try (AgentSession reopened = context.store().open(TestToolContext.SESSION_ID)) {
            assertThat(reopened.state().get(TodoWriteTool.STATE_KEY)).contains(
                    Json.parse("[{\"content\":\"Only one\",\"status\":\"pending\",\"activeForm\":\"Doing one\"}]"));
        }
    }

    @Test
    void invalidStatusNamesTheField() throws Exception {
        TestToolContext context = TestToolContext.in(temp);
        ToolResult result = context.run(todoWrite,
                "{\"todos\":[{\"content\":\"a\",\"status\":\"done\",\"activeForm\":\"b\"}]}");
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).isEqualTo("Invalid input for tool TodoWrite: field 'todos[0].status' must be one of"
                + " [pending, in_progress, completed] (got \"done\")");
        assertThat(context.sessionState().get(TodoWriteTool.STATE_KEY)).isEmpty();
        assertThat(context.chunks()).isEmpty();
    }

    @Test
    void emptyContentIsRejectedAndAnEmptyListClears() throws Exception {
        TestToolContext context = TestToolContext.in(temp);
        assertThat(context.run(todoWrite, "{\"todos\":[{\"content\":\"\",\"status\":\"pending\",\"activeForm\":\"x\"}]}").text())
                .contains("field 'todos[0].content' must not be empty");
        ToolResult cleared = context.run(todoWrite, "{\"todos\":[]}");
        assertThat(cleared.text()).contains("now empty");
        assertThat(context.sessionState().get(TodoWriteTool.STATE_KEY)).contains(Json.array());
    }
}
