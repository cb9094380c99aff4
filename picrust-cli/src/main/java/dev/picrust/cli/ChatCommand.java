package dev.picrust.cli;

import dev.picrust.agent.AgentConfig;
import dev.picrust.cli.args.Command;
import dev.picrust.event.OutputChunk;
import dev.picrust.event.StatusCode;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.AgentRuntime;
import dev.picrust.runtime.Subscription;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive terminal agent: {@code picrust} with no prompt. Several turns on one session, the
 * answer streamed, tool calls and their live output shown as they run, approvals and questions asked
 * inline, Ctrl-C interrupting the turn (twice in one turn exits), and slash commands. Every option of
 * {@code run} applies; a prompt given on the command line is the first turn.
 */
final class ChatCommand extends RunCommand {
    static final String HELP = """
            /help              this list
            /resume [ID]       continue another session (without ID: pick from the latest)
            /model NAME        use another model from the next turn on (provider/model from models.json too)
            /allow RULE        allow a tool for the rest of this session, e.g. /allow Bash(git:*)
            /compact [FOCUS]   summarise the history now (the session keeps every message)
            /cost              tokens and cost of this session (and its subagents)
            /session           this session's id and folder
            /new               start a new session
            /exit              leave (Ctrl-D does too)""";
    private static final List<String> COMMANDS =
            List.of("/help", "/resume", "/model", "/allow", "/compact", "/cost", "/session", "/new", "/exit", "/quit");

    private Terminal terminal;
    private LineReader reader;
    private PrintStream screen;
    private TerminalStyle style;
    private AgentRuntime runtime;
    private AgentConfig config;
    private AgentHandle agent;
    /** Set while a turn runs: Ctrl-C interrupts it. */
    private volatile Optional<AgentHandle> turn = Optional.empty();
    private final AtomicBoolean interruptedOnce = new AtomicBoolean();

    @Override
    Command declare() {
        return declare(Command.named("chat", "Talk with an agent in the terminal (what `picrust` with no arguments opens)."));
    }

    @Override
    Integer call() throws Exception {
        resolveSession();
        firstPrompt = String.join(" ", prompt).strip();
        terminal = TerminalBuilder.builder().system(true).nativeSignals(true)
                .signalHandler(Terminal.SignalHandler.SIG_IGN).build();
        try (Terminal t = terminal; Spinner spinner = new Spinner(screen(), style())) {
            terminal.handle(Terminal.Signal.INT, signal -> onCtrlC());
            reader = LineReaderBuilder.builder().terminal(terminal).appName("picrust")
                    .variable(LineReader.HISTORY_FILE, historyFile())
                    .completer(new StringsCompleter(COMMANDS))
                    .build();
            config = agentConfig(true);
            logRequests(System.err);
            try (AgentRuntime rt = new AgentRuntime(store())) {
                runtime = rt;
                // Leaving with Ctrl-C twice (System.exit) still stops the agents, so tool processes die.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        rt.shutdownAll(Duration.ofSeconds(10));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "picrust-shutdown"));
                agent = start(runtime, store(), config);
                screen.println(style.bold("PiCrust") + style.dim(" · " + config.model() + " · "
                        + config.workingDirectory() + " · /help for commands, Ctrl-D to leave"));
                String first = String.join(" ", prompt).strip();
                if (!first.isEmpty()) {
                    turn(first, spinner);
                }
                repl(spinner);
                agent.shutdown();
            }
        }
        return 0;
    }

    private void repl(Spinner spinner) throws Exception {
        boolean ctrlCOnEmptyLine = false;
        while (true) {
            String line;
            try {
                line = reader.readLine(style.tool("› "));
            } catch (UserInterruptException e) {
                if (ctrlCOnEmptyLine || !e.getPartialLine().isEmpty()) {
                    if (e.getPartialLine().isEmpty()) {
                        return;
                    }
                    continue;  // Ctrl-C clears the line being typed
                }
                screen.println(style.dim("(Ctrl-C again or Ctrl-D to leave)"));
                ctrlCOnEmptyLine = true;
                continue;
            } catch (EndOfFileException e) {
                return;
            }
            ctrlCOnEmptyLine = false;
            String text = line.strip();
            if (text.isEmpty()) {
                continue;
            }
            if (text.startsWith("/")) {
                if (!command(text)) {
                    return;
                }
                continue;
            }
            turn(text, spinner);
        }
    }

    /** One turn: send, print until done, answer what the agent asks on the way. */
    private void turn(String text, Spinner spinner) throws Exception {
        ChunkPrinter printer = ChunkPrinter.forFormat(ChunkPrinter.OutputFormat.TEXT, screen, screen, style,
                Optional.of(spinner));
        Subscription subscription = agent.subscribe(Integer.MAX_VALUE);
        long started = System.nanoTime();
        interruptedOnce.set(false);
        turn = Optional.of(agent);
        TurnResult result;
        try {
            agent.send(text);
            spinner.working("thinking");
            TerminalApprover approver = new TerminalApprover(agent,
                    new BufferedReader(terminal.reader()), screen, config.workingDirectory());
            result = follow(subscription, printer, Optional.of(approver));
        } finally {
            turn = Optional.empty();
            spinner.idle();
            subscription.close();
        }
        screen.println(style.dim(result.summary(Duration.ofNanos(System.nanoTime() - started), agent.sessionId())));
    }

    /** Runs a slash command; false when the chat should end. */
    private boolean command(String text) throws Exception {
        String[] parts = text.split("\\s+", 2);
        String argument = parts.length > 1 ? parts[1].strip() : "";
        switch (parts[0]) {
            case "/exit", "/quit" -> {
                return false;
            }
            case "/help" -> screen.println(HELP);
            case "/cost" -> {
                screen.println("session: " + UsageText.full(agent.usage().session()));
                if (agent.usage().tree().calls() > agent.usage().session().calls()) {
                    screen.println("with subagents: " + UsageText.full(agent.usage().tree()));
                }
            }
            case "/session" -> screen.println(agent.sessionId() + "  " + store().location(agent.sessionId()));
            case "/new" -> {
                restart(config, Optional.empty());
                screen.println(style.dim("new session " + agent.sessionId()));
            }
            case "/model" -> {
                if (argument.isEmpty()) {
                    screen.println("model: " + config.model());
                } else {
                    Switched switched;
                    try {
                        switched = withModel(config, argument, http);
                    } catch (CliException e) {
                        screen.println(style.error(e.getMessage()));
                        return true;
                    }
                    // The same agent goes on: no restart, the switch takes effect when the next turn begins.
                    agent.setModel(switched.config().provider(), switched.config().model());
                    config = switched.config();
                    launchProvider = switched.catalogProvider().orElse(launchProvider);
                    agent.updateMetadata(m -> m.withCustom(Launch.KEY, launch(config).toJson()));
                    screen.println(style.dim("model " + config.model() + " (" + config.provider().name()
                            + ") from the next turn on"));
                }
            }
            case "/allow" -> {
                if (argument.isEmpty()) {
                    screen.println("usage: /allow RULE   e.g. /allow Bash(npm test:*)");
                } else {
                    try {
                        config = config.toBuilder().permissions(config.permissions().allow(argument)).build();
                    } catch (IllegalArgumentException e) {
                        screen.println(style.error("invalid rule: " + e.getMessage()));
                        return true;
                    }
                    restart(config, Optional.of(agent.sessionId()));
                    screen.println(style.dim("allowed " + argument + " for this session"));
                }
            }
            case "/resume" -> resume(argument);
            case "/compact" -> compact(argument);
            default -> screen.println("unknown command " + parts[0] + " (/help lists them)");
        }
        return true;
    }

    /** Summarises the history now and says how it went; Ctrl-C cancels the summary call. */
    private void compact(String focus) throws InterruptedException {
        Subscription subscription = agent.subscribe(Integer.MAX_VALUE);
        interruptedOnce.set(false);
        turn = Optional.of(agent);
        try {
            if (focus.isEmpty()) {
                agent.compact();
            } else {
                agent.compact(focus);
            }
            for (Optional<OutputChunk> next = subscription.next(); next.isPresent(); next = subscription.next()) {
                switch (next.get()) {
                    case OutputChunk.Status s when s.code() == StatusCode.COMPACTING -> screen.println(style.dim(s.message()));
                    case OutputChunk.Status s when s.code() == StatusCode.COMPACTED -> {
                        screen.println(style.dim(s.message()));
                        return;
                    }
                    case OutputChunk.Status s when s.code() == StatusCode.COMPACTION_FAILED -> {
                        screen.println(style.error(s.message()));
                        return;
                    }
                    case OutputChunk.Error e -> {
                        screen.println(style.error(e.message()));
                        return;
                    }
                    default -> { }
                }
            }
        } finally {
            turn = Optional.empty();
            subscription.close();
        }
    }

    private void resume(String argument) throws Exception {
        String id = argument;
        if (id.isEmpty()) {
            List<SessionMetadata> recent = store().list().stream()
                    .filter(m -> !m.id().equals(agent.sessionId()) && m.parentId().isEmpty()).limit(10).toList();
            if (recent.isEmpty()) {
                screen.println("no other sessions in " + store().location());
                return;
            }
            for (int i = 0; i < recent.size(); i++) {
                screen.println(String.format("%2d. %s  %s  %s", i + 1, recent.get(i).id(), recent.get(i).updatedAt(),
                        recent.get(i).model()));
            }
            String choice;
            try {
                choice = reader.readLine("number (Enter to cancel): ").strip();
            } catch (UserInterruptException | EndOfFileException e) {
                return;
            }
            if (!choice.matches("\\d+") || Integer.parseInt(choice) < 1 || Integer.parseInt(choice) > recent.size()) {
                return;
            }
            id = recent.get(Integer.parseInt(choice) - 1).id();
        }
        if (!store().exists(id)) {
            screen.println(style.error("no session '" + id + "' in " + store().location()));
            return;
        }
        restart(config, Optional.of(id));
        screen.println(style.dim("resumed " + id));
    }

    /** Stops the current agent and starts one with {@code newConfig} on {@code sessionId} (or a new session). */
    private void restart(AgentConfig newConfig, Optional<String> sessionId) throws InterruptedException {
        agent.shutdown();
        try {
            agent.awaitTermination(Duration.ofSeconds(30));
        } catch (TimeoutException e) {
            throw new CliException("the agent did not stop within 30 s");
        }
        sessionId.ifPresent(id -> loggedSession = Optional.of(id));
        agent = sessionId.isPresent() ? runtime.resume(newConfig, sessionId.get())
                : spawnNew(runtime, newConfig, Optional.empty());
    }

    /** Ctrl-C while a turn runs: interrupt it; a second Ctrl-C in the same turn leaves. */
    private void onCtrlC() {
        Optional<AgentHandle> running = turn;
        if (running.isEmpty()) {
            return;  // at the prompt the line reader handles it
        }
        if (interruptedOnce.getAndSet(true)) {
            screen.println();
            System.exit(130);  // the shutdown hook stops the agents and kills tool processes
        }
        running.get().interrupt();
    }

    private PrintStream screen() {
        if (screen == null) {
            screen = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
        }
        return screen;
    }

    private TerminalStyle style() {
        if (style == null) {
            style = TerminalStyle.detect(!Terminal.TYPE_DUMB.equals(terminal.getType()));
        }
        return style;
    }

    private Path historyFile() throws IOException {
        Path home = SessionStore.home();
        Files.createDirectories(home);
        return home.resolve("chat-history");
    }
}
