package dev.picrust.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.permission.DisplayText;
import dev.picrust.permission.PermissionAnswer;
import dev.picrust.permission.PermissionRule;
import dev.picrust.permission.PermissionTier;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.event.OutputChunk;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Answers an agent's permission requests and questions from a human at a terminal, or from lines
 * piped to standard input. Prompts go to stderr so stdout stays the agent's output. It runs on the
 * thread that reads the agent's output, never on the agent's: while it waits for a line the agent
 * simply waits for its answer. When the input ends, every request is denied and questions are left
 * unanswered, so a run never hangs on a closed stdin.
 */
final class TerminalApprover {
    static final String PERMISSION_CHOICES =
            "[y] once  [s] always this session  [a] always for this agent type  [n] deny";
    /** Offered when the wider rules differ from the narrow default. */
    static final String WIDER_CHOICES = "  [S]/[A] the same with the wider rule";

    private final AgentHandle handle;
    private final BufferedReader in;
    private final PrintStream prompts;
    private final Path workingDirectory;
    private boolean inputEnded;

    TerminalApprover(AgentHandle handle, BufferedReader in, PrintStream prompts, Path workingDirectory) {
        this.handle = handle;
        this.in = in;
        this.prompts = prompts;
        this.workingDirectory = workingDirectory;
    }

    /**
     * True if stdin and stdout are an interactive terminal. Since Java 22 {@link System#console()}
     * also returns a console for redirected streams; {@code Console.isTerminal()} (22+, looked up
     * reflectively because we compile for 21) tells them apart.
     */
    static boolean stdinIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;  // Java 21: a console exists only for a terminal
        }
    }

    /** Answers the chunk if it asks a human something; ignores every other chunk. */
    void onChunk(OutputChunk chunk) {
        switch (chunk) {
            case OutputChunk.PermissionRequest request -> answerPermission(request);
            case OutputChunk.Question question -> answerQuestions(question);
            default -> { }
        }
    }

    /**
     * Shows the whole call (a command whole, a Write's content, an Edit's diff; control characters
     * escaped) and the exact rules an "always" answer saves: by default the narrowest that allow this
     * call again ({@link PermissionRule#suggest}), and, when they differ, the wider ones
     * ({@link PermissionRule#suggestWider}) for [S]/[A]. The rules shown are sent with the answer,
     * so what is remembered is never wider than what the human read.
     */
    private void answerPermission(OutputChunk.PermissionRequest request) {
        prompts.println();
        if (!request.reason().isBlank()) {
            prompts.println("  " + DisplayText.escape(request.reason()));
        }
        prompts.print(ApprovalView.render(request.toolName(), request.input(), workingDirectory));
        List<PermissionRule> always = PermissionRule.suggest(request.toolName(), request.input(), workingDirectory);
        List<PermissionRule> wider = PermissionRule.suggestWider(request.toolName(), request.input(), workingDirectory);
        boolean offerWider = !wider.equals(always);
        prompts.println("  \"always\" saves: " + describe(always));
        if (offerWider) {
            prompts.println("  [S]/[A] save the wider: " + describe(wider));
        }
        PermissionAnswer answer = null;
        while (answer == null) {
            prompts.print("Allow " + request.toolName() + "? " + PERMISSION_CHOICES + (offerWider ? WIDER_CHOICES : "") + " ");
            prompts.flush();
            Optional<String> line = readLine();
            if (line.isEmpty()) {
                prompts.println();
                prompts.println("(no more input: denied)");
                answer = PermissionAnswer.deny("no answer: the input ended");
                break;
            }
            String typed = line.get().strip();
            if (offerWider && typed.equals("S")) {
                answer = PermissionAnswer.allowAlways(PermissionTier.SESSION, wider);
                break;
            }
            if (offerWider && typed.equals("A")) {
                answer = PermissionAnswer.allowAlways(PermissionTier.LOCAL, wider);
                break;
            }
            answer = switch (typed.toLowerCase(java.util.Locale.ROOT)) {
                case "y", "yes" -> PermissionAnswer.allowOnce();
                case "s" -> PermissionAnswer.allowAlways(PermissionTier.SESSION, always);
                case "a" -> PermissionAnswer.allowAlways(PermissionTier.LOCAL, always);
                case "n", "no" -> PermissionAnswer.deny();
                default -> {
                    prompts.println(offerWider ? "Please answer y, s, a, S, A or n." : "Please answer y, s, a or n.");
                    yield null;
                }
            };
        }
        if (!handle.answerPermission(request.requestId(), answer)) {
            prompts.println("(the request is no longer open; the answer was not used)");
        }
    }

    private static String describe(List<PermissionRule> rules) {
        return rules.stream().map(r -> DisplayText.escape(r.toString())).collect(Collectors.joining(", "));
    }

    private void answerQuestions(OutputChunk.Question question) {
        Map<String, String> answers = new LinkedHashMap<>();
        prompts.println();
        prompts.println("The agent asks:");
        for (JsonNode q : question.questions()) {
            if (inputEnded) {
                break;
            }
            String text = q.path("question").asText();
            String header = q.path("header").asText("");
            boolean multiSelect = q.path("multiSelect").asBoolean(false);
            prompts.println((header.isBlank() ? "" : "[" + header + "] ") + text);
            List<String> labels = new ArrayList<>();
            for (JsonNode option : q.path("options")) {
                labels.add(option.path("label").asText());
                String description = option.path("description").asText("");
                prompts.println("  " + labels.size() + ". " + labels.getLast()
                        + (description.isBlank() ? "" : " - " + description));
            }
            prompts.print((multiSelect ? "Numbers separated by commas" : "A number") + ", or your own answer: ");
            prompts.flush();
            readLine().map(line -> choice(line.strip(), labels, multiSelect))
                    .filter(a -> !a.isEmpty())
                    .ifPresent(a -> answers.put(text, a));
        }
        if (inputEnded) {
            prompts.println();
            prompts.println("(no more input: the remaining questions are unanswered)");
        }
        if (!handle.answer(question.requestId(), answers)) {
            prompts.println("(the question is no longer open; the answer was not used)");
        }
    }

    /** Option numbers become their labels; anything else is the user's own answer. */
    static String choice(String line, List<String> labels, boolean multiSelect) {
        if (!line.matches("\\d+(\\s*,\\s*\\d+)*")) {
            return line;
        }
        List<String> chosen = new ArrayList<>();
        for (String n : line.split("\\s*,\\s*")) {
            int index = Integer.parseInt(n) - 1;
            if (index < 0 || index >= labels.size()) {
                return line;
            }
            chosen.add(labels.get(index));
        }
        if (chosen.size() > 1 && !multiSelect) {
            return line;
        }
        return String.join(", ", chosen);
    }

    private Optional<String> readLine() {
        if (inputEnded) {
            return Optional.empty();
        }
        try {
            String line = in.readLine();
            if (line == null) {
                inputEnded = true;
            }
            return Optional.ofNullable(line);
        } catch (IOException e) {
            inputEnded = true;
            return Optional.empty();
        }
    }
}
