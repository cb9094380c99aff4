package dev.picrust.agent.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.Role;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextInjectionTest {
    @TempDir
    Path dir;

    static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

    InjectionContext context(Optional<JsonNode> todos) {
        return new InjectionContext("s1", dir, 3, 1, NOW, todos);
    }

    static List<Message> history() {
        return List.of(
                Message.user("list files"),
                Message.assistant(List.of(new ToolUseBlock("t1", "Bash", Json.object().put("command", "ls")))),
                Message.user(List.of(ToolResultBlock.text("t1", "a.txt", false))),
                Message.assistant("one file"));
    }

    @Test
    void appendsOneReminderBlockToTheLastUserMessageOfACopy() {
        List<Message> history = history();
        List<Message> sent = ContextInjection.apply(history,
                List.of(ctx -> Optional.of("first"), ctx -> Optional.empty(), ctx -> Optional.of("  second \n")),
                context(Optional.empty()));
        assertThat(sent).hasSize(4);
        Message target = sent.get(2);
        assertThat(target.role()).isEqualTo(Role.USER);
        assertThat(target.content()).hasSize(2);
        assertThat(target.content().get(0)).isEqualTo(history.get(2).content().get(0));
        assertThat(((TextBlock) target.content().get(1)).text())
                .isEqualTo("<system-reminder>\nfirst\n\nsecond\n</system-reminder>");
        assertThat(sent.get(0)).isSameAs(history.get(0));
        assertThat(sent.get(3)).isSameAs(history.get(3));
        assertThat(history.get(2).content()).hasSize(1);
    }

    @Test
    void nothingToInjectLeavesTheMessagesAlone() {
        List<Message> history = history();
        assertThat(ContextInjection.apply(history, List.of(ctx -> Optional.of("   ")), context(Optional.empty())))
                .isEqualTo(history);
        assertThat(ContextInjection.apply(List.of(Message.assistant("x")), List.of(ctx -> Optional.of("t")),
                context(Optional.empty()))).containsExactly(Message.assistant("x"));
    }

    @Test
    void failingInjectorsAreReportedAndSkipped() {
        ContextInjection.Result result = ContextInjection.inject(history(), List.of(
                ctx -> {
                    throw new IllegalStateException("clock broke");
                },
                ctx -> Optional.of("still here")), context(Optional.empty()));
        assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f).contains("clock broke"));
        assertThat(result.messages().get(2).content().getLast()).isEqualTo(
                new TextBlock(ContextInjection.reminder("still here")));
    }

    @Test
    void builtInTimeWorkingDirectoryAndTodos() throws Exception {
        assertThat(ContextInjector.currentTime(ZoneOffset.UTC).inject(context(Optional.empty())))
                .contains("Current time: 2025-03-04T05:06:07Z");
        assertThat(ContextInjector.workingDirectory().inject(context(Optional.empty())))
                .contains("Working directory: " + dir);
        JsonNode todos = Json.array()
                .add(Json.object().put("content", "write tests").put("status", "completed"))
                .add(Json.object().put("content", "fix bug").put("status", "in_progress"))
                .add(Json.object().put("content", "release").put("status", "pending"));
        assertThat(ContextInjector.todoList().inject(context(Optional.of(todos))))
                .contains("Current todo list:\n[x] write tests\n[>] fix bug\n[ ] release");
        assertThat(ContextInjector.todoList().inject(context(Optional.empty()))).isEmpty();
        assertThat(ContextInjector.todoList().inject(context(Optional.of(Json.array())))).isEmpty();
    }

    @Test
    void gitStatusInARepositoryAndNothingOutsideOne() throws Exception {
        assertThat(ContextInjector.gitStatus(Duration.ofSeconds(20)).inject(context(Optional.empty()))).isEmpty();

        run("git", "init", "-q", "-b", "main");
        Files.writeString(dir.resolve("new.txt"), "x");
        Optional<String> status = ContextInjector.gitStatus(Duration.ofSeconds(20)).inject(context(Optional.empty()));
        assertThat(status).isPresent();
        assertThat(status.get()).startsWith("git status:\n## ").contains("main").contains("?? new.txt");
    }

    private void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void requestOverloadOnlyTouchesMessages() {
        LlmRequest request = LlmRequest.of("m", history(), 100);
        LlmRequest sent = ContextInjection.apply(request, List.of(ctx -> Optional.of("hi")), context(Optional.empty()));
        assertThat(sent.model()).isEqualTo("m");
        List<ContentBlock> last = sent.messages().get(2).content();
        assertThat(last.getLast()).isEqualTo(new TextBlock(ContextInjection.reminder("hi")));
    }
}
