package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.llm.Message;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.RecordedRequest;
import dev.picrust.testkit.ServerStep;
import dev.picrust.testkit.WireFormat;
import dev.picrust.testkit.WireRequestCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code picrust} as a person uses it: the interactive chat runs in a real pseudo-terminal (a tmux
 * pane), keys are typed with {@code send-keys} and the screen is read with {@code capture-pane}.
 * The model is a loopback MockLlmServer. CI installs tmux; elsewhere the test is skipped without it.
 */
class ChatTerminalIT {
    private static final Duration SCREEN_WAIT = Duration.ofSeconds(60);

    @TempDir Path dir;
    MockLlmServer server;
    Path workspace;
    String tmuxSession;
    /** The chat's JVM (the pane's process: the script execs java), awaited after the pane is killed. */
    Optional<ProcessHandle> chatProcess = Optional.empty();

    @BeforeEach
    void start() throws Exception {
        boolean haveTmux = run("tmux", "-V") == 0;
        if (System.getenv("CI") != null) {
            assertThat(haveTmux).as("CI installs tmux (.ci/run)").isTrue();
        }
        Assumptions.assumeTrue(haveTmux, "tmux is not installed");
        server = MockLlmServer.start();
        workspace = Files.createDirectories(dir.resolve("work"));
        tmuxSession = "picrust-it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() throws Exception {
        if (tmuxSession != null) {
            run("tmux", "kill-session", "-t", tmuxSession);
        }
        // The temp folder is removed after this method: the chat must be gone first, or its last writes
        // (history, session files) race the cleanup.
        if (chatProcess.isPresent()) {
            chatProcess.get().onExit().get(30, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoTurnsInOneSession() throws Exception {
        server.enqueue(ServerStep.text("The first answer."), ServerStep.text("The second answer."));
        openChat();
        type("hello there");
        waitForScreen(s -> s.contains("The first answer.") && s.contains("session s-"));
        type("and again");
        String screen = waitForScreen(s -> s.contains("The second answer."));

        assertThat(screen).contains("› hello there").contains("› and again");
        List<Message> second = server.requests().get(1).messages();
        assertThat(second).as("the second turn carries the first").hasSize(3);
        assertThat(second.getFirst().text()).contains("hello there");
        assertThat(second.getLast().text()).contains("and again");
    }

    @Test
    void anApprovalIsAnsweredAtThePrompt() throws Exception {
        Files.writeString(workspace.resolve("notes.txt"), "alpha\nbeta\ngamma\n");
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "echo approved > proof.txt")),
                ServerStep.toolUse("Read", Json.object().put("file_path", "notes.txt")),  // edits need a read first
                ServerStep.toolUse("Edit", Json.object().put("file_path", "notes.txt").put("old_string", "beta")
                        .put("new_string", "BETA")),
                ServerStep.text("It is written."));
        openChat();
        type("write the proof");
        waitForScreen(s -> s.contains("| echo approved > proof.txt") && s.contains("Allow Bash?"));
        assertThat(workspace.resolve("proof.txt")).as("nothing runs before the answer").doesNotExist();
        type("y");
        // The edit is shown as a diff against the file on disk, and "always" names the one file.
        String edit = waitForScreen(s -> s.contains("Allow Edit?"));
        assertThat(edit).contains("|  alpha").contains("| -beta").contains("| +BETA").contains("|  gamma")
                .containsPattern("\"always\" saves: Edit\\(/\\S*/notes\\.txt\\)");
        type("y");
        String screen = waitForScreen(s -> s.contains("It is written."));

        assertThat(Files.readString(workspace.resolve("proof.txt"))).isEqualTo("approved\n");
        assertThat(Files.readString(workspace.resolve("notes.txt"))).isEqualTo("alpha\nBETA\ngamma\n");
        assertThat(screen).contains("● Bash echo approved > proof.txt");
    }

    @Test
    void ctrlCInterruptsTheRunningToolAndTheChatGoesOn() throws Exception {
        server.enqueue(ServerStep.toolUse("Bash", Json.object().put("command", "echo started; sleep 60; touch late.txt")),
                ServerStep.text("after the interrupt"));
        openChat("--allow", "Bash");
        type("run the slow thing");
        waitForScreen(s -> s.contains("│ started"));
        keys("C-c");
        String screen = waitForScreen(s -> s.contains("[interrupted]") && s.contains("interrupted ·"));
        assertThat(screen).contains("the user interrupted the turn");

        type("still there?");
        waitForScreen(s -> s.contains("after the interrupt"));
        assertThat(workspace.resolve("late.txt")).as("the tool's process was killed").doesNotExist();
    }

    @Test
    void resumeSwitchesToAnEarlierSession() throws Exception {
        server.enqueue(ServerStep.text("Remember the word kiwi."), ServerStep.text("Fresh start."),
                ServerStep.text("The word was kiwi."));
        openChat();
        type("pick a word");
        String first = waitForScreen(s -> s.contains("Remember the word kiwi.") && s.contains("session s-"));
        String firstSession = first.substring(first.indexOf("session s-") + "session ".length()).split("\\s")[0];
        type("/new");
        waitForScreen(s -> s.contains("new session"));
        type("something else");
        waitForScreen(s -> s.contains("Fresh start."));

        type("/resume " + firstSession);
        waitForScreen(s -> s.contains("resumed " + firstSession));
        type("which word?");
        waitForScreen(s -> s.contains("The word was kiwi."));

        List<Message> resumed = server.requests().get(2).messages();
        assertThat(resumed.getFirst().text()).contains("pick a word");
        assertThat(resumed.getLast().text()).contains("which word?");
    }

    @Test
    void modelSwitchesTheLiveAgentToAnotherProvider() throws Exception {
        server.enqueue(ServerStep.text("Claude here."), ServerStep.text("GPT here."));
        Files.createDirectories(dir.resolve("home"));
        Files.writeString(dir.resolve("home/models.json"), """
                {"providers": {"mock": {"baseUrl": "%s/v1", "api": "openai-completions", "apiKey": "sk-mock-test-123456",
                  "models": [{"id": "gpt-test"}]}}}""".formatted(server.baseUrl()));
        openChat();
        type("who are you?");
        String first = waitForScreen(s -> s.contains("Claude here.") && s.contains("session s-"));
        String session = first.substring(first.indexOf("session s-") + "session ".length()).split("\\s")[0];
        type("/model mock/gpt-test");
        waitForScreen(s -> s.contains("model gpt-test (openai) from the next turn on"));
        type("and now?");
        waitForScreen(s -> s.contains("GPT here."));

        List<RecordedRequest> requests = server.requests();
        assertThat(requests).extracting(RecordedRequest::wireFormat).containsExactly(WireFormat.ANTHROPIC, WireFormat.OPENAI_CHAT);
        assertThat(WireRequestCheck.problems(requests.get(1))).isEmpty();
        assertThat(requests.get(1).body().toString()).as("the same session goes on").contains("who are you?").contains("Claude here.");
        SessionMetadata metadata = SessionStore.at(dir.resolve("sessions")).readMetadata(session).orElseThrow();
        assertThat(metadata.model()).isEqualTo("gpt-test");
        Launch launch = Launch.of(metadata).orElseThrow();
        assertThat(launch.provider()).as("a resume selects the catalog's provider again").isEqualTo("mock");
        assertThat(launch.model()).hasValue("gpt-test");
    }

    @Test
    void slashCompactSummarisesAndTheNextTurnStartsFromTheSummary() throws Exception {
        server.enqueue(ServerStep.text("First answer."), ServerStep.text("Second answer."),
                ServerStep.text("## Task\nThe user works on the kiwi report."), ServerStep.text("Third answer."));
        openChat();
        type("start the kiwi report");
        waitForScreen(s -> s.contains("First answer.") && s.contains("session s-"));
        type("add a chart");
        waitForScreen(s -> s.contains("Second answer."));
        type("/compact keep the chart");
        String screen = waitForScreen(s -> s.contains("summarised "));
        assertThat(screen).contains("the full history stays in the session");
        type("go on");
        waitForScreen(s -> s.contains("Third answer."));

        assertThat(server.requests().get(2).body().toString()).contains("keep the chart");
        List<Message> after = server.requests().get(3).messages();
        assertThat(after.getFirst().text()).contains("start the kiwi report").contains("The user works on the kiwi report.");
        assertThat(after.getLast().text()).contains("go on");
    }

    // ---------------------------------------------------------------- the terminal

    /** Starts {@code picrust chat} in a new tmux pane of 120x40, with this test's classpath. */
    private void openChat(String... extraArgs) throws Exception {
        Path script = dir.resolve("chat.sh");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder command = new StringBuilder()
                .append("#!/bin/sh\ncd ").append(quote(workspace.toString())).append('\n')
                .append("export ANTHROPIC_API_KEY=sk-test-key-1234567890 ANTHROPIC_BASE_URL=").append(server.baseUrl())
                .append(" PICRUST_HOME=").append(quote(dir.resolve("home").toString())).append(" TERM=xterm-256color\n")
                .append("unset NO_COLOR\n")
                .append("exec ").append(quote(java)).append(" --enable-native-access=ALL-UNNAMED -cp ")
                .append(quote(System.getProperty("java.class.path"))).append(' ').append(Main.class.getName())
                .append(" chat --sessions-dir ").append(quote(dir.resolve("sessions").toString()));
        for (String arg : extraArgs) {
            command.append(' ').append(quote(arg));
        }
        command.append("\n");
        Files.writeString(script, command.toString(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        assertThat(run("tmux", "new-session", "-d", "-s", tmuxSession, "-x", "120", "-y", "40",
                script.toString())).isZero();
        Process pid = new ProcessBuilder("tmux", "display-message", "-p", "-t", tmuxSession, "#{pane_pid}").start();
        String text = new String(pid.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        pid.waitFor();
        chatProcess = ProcessHandle.of(Long.parseLong(text));
        waitForScreen(s -> s.contains("/help for commands"));
    }

    private void type(String line) throws Exception {
        assertThat(run("tmux", "send-keys", "-t", tmuxSession, "-l", line)).isZero();
        keys("Enter");
    }

    private void keys(String key) throws Exception {
        assertThat(run("tmux", "send-keys", "-t", tmuxSession, key)).isZero();
    }

    /** Polls the pane until {@code condition} holds; fails with the screen when it never does. */
    private String waitForScreen(Predicate<String> condition) throws Exception {
        Instant deadline = Instant.now().plus(SCREEN_WAIT);
        String screen = "";
        while (Instant.now().isBefore(deadline)) {
            screen = capture();
            if (condition.test(screen)) {
                return screen;
            }
            Thread.sleep(50);  // polling interval of a screen read, not a synchronisation point
        }
        throw new AssertionError("the screen never showed what was expected:\n" + screen);
    }

    private String capture() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-J", "-S", "-200", "-t", tmuxSession)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static int run(String... command) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor();
        } catch (IOException e) {
            return -1;  // not installed
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
