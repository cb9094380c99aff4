package dev.picrust.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.picrust.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HistoryConversionTest {
    static final ModelRef CLAUDE = new ModelRef(ApiKind.ANTHROPIC_MESSAGES, "claude-sonnet-4-5");
    static final ModelRef GPT = new ModelRef(ApiKind.OPENAI_COMPLETIONS, "gpt-4.1");
    static final ModelRef GEMINI = new ModelRef(ApiKind.GOOGLE_GENERATIVE_AI, "gemini-2.5-flash");

    private static List<Optional<ModelRef>> all(ModelRef origin, int n) {
        return new ArrayList<>(Collections.nCopies(n, Optional.of(origin)));
    }

    private static List<Message> claudeToolTurn() {
        return List.of(Message.user("read a"),
                Message.assistant(List.of(new ThinkingBlock("I will read it.", "c2lnbmF0dXJl"),
                        new RedactedThinkingBlock("opaque"), new TextBlock("Reading."),
                        new ToolUseBlock("toolu_01A", "Read", Json.object().put("file_path", "a")))),
                Message.user(List.of(ToolResultBlock.text("toolu_01A", "contents", false))),
                Message.assistant("It says contents."));
    }

    @Test
    void sameModelHistoryIsUnchanged() {
        List<Message> history = claudeToolTurn();
        assertThat(HistoryConversion.convert(history, all(CLAUDE, 4), CLAUDE)).isEqualTo(history);
    }

    @Test
    void anthropicThinkingBecomesTextForOpenAiAndRedactedThinkingIsDropped() {
        List<Message> converted = HistoryConversion.convert(claudeToolTurn(), all(CLAUDE, 4), GPT);
        assertThat(converted.get(1).content()).containsExactly(new TextBlock("I will read it."), new TextBlock("Reading."),
                new ToolUseBlock("toolu_01A", "Read", Json.object().put("file_path", "a")));
        assertThat(converted.get(2).toolResults().getFirst().toolUseId()).isEqualTo("toolu_01A");
    }

    @Test
    void thinkingOfAnotherClaudeModelBecomesTextToo() {
        ModelRef opus = new ModelRef(ApiKind.ANTHROPIC_MESSAGES, "claude-opus-4-1");
        List<Message> converted = HistoryConversion.convert(claudeToolTurn(), all(CLAUDE, 4), opus);
        assertThat(converted.get(1).content().getFirst()).isEqualTo(new TextBlock("I will read it."));
    }

    @Test
    void unknownOriginCountsAsAnthropic() {
        List<Optional<ModelRef>> unknown = new ArrayList<>(Collections.nCopies(4, Optional.empty()));
        assertThat(HistoryConversion.convert(claudeToolTurn(), unknown, CLAUDE)).isEqualTo(claudeToolTurn());
        assertThat(HistoryConversion.convert(claudeToolTurn(), unknown, GPT).get(1).content().getFirst())
                .isInstanceOf(TextBlock.class);
    }

    @Test
    void idsAreRewrittenToWhatTheTargetAcceptsAndStayUnique() {
        String longId = "call_" + "x".repeat(60);
        List<Message> history = List.of(Message.user("go"),
                Message.assistant(List.of(new ToolUseBlock(longId, "A", Json.object()),
                        new ToolUseBlock("fc:1/weird id", "B", Json.object()))),
                Message.user(List.of(ToolResultBlock.text("fc:1/weird id", "b", false),
                        ToolResultBlock.text(longId, "a", false))),
                Message.assistant(List.of(new ToolUseBlock("gemini_tool_1", "A", Json.object()))),
                Message.user(List.of(ToolResultBlock.text("gemini_tool_1", "1", false))),
                Message.assistant(List.of(new ToolUseBlock("gemini_tool_1", "A", Json.object()))),
                Message.user(List.of(ToolResultBlock.text("gemini_tool_1", "2", false))));
        List<Message> converted = HistoryConversion.convert(history, all(GEMINI, history.size()), GPT);

        List<String> callIds = new ArrayList<>();
        converted.forEach(m -> m.toolUses().forEach(t -> callIds.add(t.id())));
        assertThat(callIds).hasSize(4).doesNotHaveDuplicates()
                .allMatch(id -> id.length() <= 40 && id.matches("[A-Za-z0-9_-]+"));
        assertThat(callIds.get(1)).isEqualTo("fc_1_weird_id");
        assertThat(converted.get(2).toolResults()).extracting(ToolResultBlock::toolUseId)
                .containsExactly(callIds.get(1), callIds.get(0));
        assertThat(converted.get(4).toolResults().getFirst().toolUseId()).isEqualTo(callIds.get(2));
        assertThat(converted.get(6).toolResults().getFirst().toolUseId()).isEqualTo(callIds.get(3));
        assertThat(callIds.get(3)).isNotEqualTo(callIds.get(2));
    }

    @Test
    void callsWithoutResultsGetSyntheticOnesAndOrphanResultsBecomeText() {
        List<Message> history = List.of(Message.user("go"),
                Message.assistant(List.of(new ToolUseBlock("t1", "Bash", Json.object()),
                        new ToolUseBlock("t2", "Bash", Json.object()))),
                Message.user(List.of(ToolResultBlock.text("t2", "done", false), ToolResultBlock.text("zz", "stray", false))),
                Message.assistant(List.of(new ToolUseBlock("t3", "Bash", Json.object()))),
                Message.assistant("moving on"),
                Message.user("next"),
                Message.assistant(List.of(new ToolUseBlock("t4", "Bash", Json.object()))));
        List<Message> converted = HistoryConversion.convert(history, all(CLAUDE, history.size()), GPT);

        Message firstResults = converted.get(2);
        assertThat(firstResults.toolResults()).extracting(ToolResultBlock::toolUseId).containsExactly("t2", "t1");
        assertThat(firstResults.toolResults().get(1).isError()).isTrue();
        assertThat(firstResults.toolResults().get(1).text()).isEqualTo(HistoryConversion.MISSING_RESULT);
        assertThat(firstResults.text()).contains("stray").contains("zz");
        // t3 was followed by another assistant message: a results message goes in between.
        assertThat(converted.get(4).role()).isEqualTo(Role.USER);
        assertThat(converted.get(4).toolResults()).extracting(ToolResultBlock::toolUseId).containsExactly("t3");
        assertThat(converted.get(5)).isEqualTo(Message.assistant("moving on"));
        // The history's last call gets its result at the end.
        assertThat(converted.getLast().toolResults()).extracting(ToolResultBlock::toolUseId).containsExactly("t4");
    }

    @Test
    void geminiSignaturesReachOnlyTheGeminiModelThatWroteThem() {
        List<Message> history = List.of(Message.user("go"),
                Message.assistant(List.of(new ThinkingBlock("plan", "gsig"),
                        new TextBlock("", Map.of("thoughtSignature", TextNode.valueOf("textsig"))),
                        new ToolUseBlock("c1", "Read", Json.object(), Map.of("thoughtSignature", TextNode.valueOf("callsig"))),
                        new ToolUseBlock("c2", "Read", Json.object()))),
                Message.user(List.of(ToolResultBlock.text("c1", "a", false), ToolResultBlock.text("c2", "b", false))));

        assertThat(HistoryConversion.convert(history, all(GEMINI, 3), GEMINI)).isEqualTo(history);

        List<Message> forClaude = HistoryConversion.convert(history, all(GEMINI, 3), CLAUDE);
        assertThat(forClaude.get(1).content()).containsExactly(new TextBlock("plan"),
                new ToolUseBlock("c1", "Read", Json.object()), new ToolUseBlock("c2", "Read", Json.object()));
    }

    @Test
    void foreignCallsForGeminiGetThePlaceholderSignatureOnTheFirstCallOfAStep() {
        List<Message> history = List.of(Message.user("go"),
                Message.assistant(List.of(new ToolUseBlock("call_1", "Read", Json.object()),
                        new ToolUseBlock("call_2", "Read", Json.object()))),
                Message.user(List.of(ToolResultBlock.text("call_1", "a", false), ToolResultBlock.text("call_2", "b", false))));
        List<ToolUseBlock> calls = HistoryConversion.convert(history, all(GPT, 3), GEMINI).get(1).toolUses();
        assertThat(calls.get(0).extras().get("thoughtSignature").asText())
                .isEqualTo(HistoryConversion.GEMINI_PLACEHOLDER_SIGNATURE);
        assertThat(calls.get(1).extras()).isEmpty();
    }

    @Test
    void openAiReasoningWithoutSignatureIsTextForAnthropic() {
        List<Message> history = List.of(Message.user("q"),
                Message.assistant(List.of(new ThinkingBlock("reasoned", ""), new TextBlock("answer"))));
        List<Message> forClaude = HistoryConversion.convert(history, all(GPT, 2), CLAUDE);
        assertThat(forClaude.get(1).content()).containsExactly(new TextBlock("reasoned"), new TextBlock("answer"));
    }

    @Test
    void allowedIdKeepsGoodIdsAndShortensLongOnesDeterministically() {
        assertThat(HistoryConversion.allowedId("toolu_01ABC", ApiKind.OPENAI_COMPLETIONS)).isEqualTo("toolu_01ABC");
        String shortened = HistoryConversion.allowedId("a".repeat(50), ApiKind.OPENAI_COMPLETIONS);
        assertThat(shortened).hasSize(40).isEqualTo(HistoryConversion.allowedId("a".repeat(50), ApiKind.OPENAI_COMPLETIONS));
        assertThat(HistoryConversion.allowedId("a".repeat(50), ApiKind.ANTHROPIC_MESSAGES)).hasSize(50);
    }
}
