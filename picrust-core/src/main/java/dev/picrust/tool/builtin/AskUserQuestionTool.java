package dev.picrust.tool.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolResult;
import dev.picrust.tool.UserQuestions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * AskUserQuestion {@code {questions: [{question, header, options: [{label, description}],
 * multiSelect}]}}: 1-4 questions with 2-4 options each; the user may always answer in free text
 * instead ("Other"). Blocks on {@link UserQuestions#ask} until answered; when nobody can answer
 * (a headless run) it fails at once instead of hanging. Interrupting the turn cancels the wait
 * ({@link java.util.concurrent.CancellationException} propagates to the loop).
 */
final class AskUserQuestionTool extends BuiltinTool {
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "questions": {
                  "type": "array",
                  "minItems": 1,
                  "maxItems": 4,
                  "description": "Questions to ask the user (1-4)",
                  "items": {
                    "type": "object",
                    "properties": {
                      "question": {"type": "string", "minLength": 1, "description": "The complete question, ending with a question mark"},
                      "header": {"type": "string", "minLength": 1, "description": "A very short label shown as a chip or tag (max 12 characters), e.g. \\"Auth method\\""},
                      "options": {
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 4,
                        "description": "The choices (2-4). Do not add an 'Other' option: the user can always answer in their own words",
                        "items": {
                          "type": "object",
                          "properties": {
                            "label": {"type": "string", "minLength": 1, "description": "The text of the choice (1-5 words)"},
                            "description": {"type": "string", "description": "What the choice means or implies"}
                          },
                          "required": ["label", "description"]
                        }
                      },
                      "multiSelect": {"type": "boolean", "default": false, "description": "Allow choosing several options"}
                    },
                    "required": ["question", "header", "options", "multiSelect"]
                  }
                }
              },
              "required": ["questions"],
              "additionalProperties": false
            }
            """;

    private static final String DESCRIPTION = """
            Asks the user multiple-choice questions and waits for the answers.

            Use it to gather preferences, clarify ambiguous instructions, or let the user choose between approaches while you work.
            - 1-4 questions per call, each with 2-4 options and a short header.
            - The user can always pick "Other" and type their own answer, so do not add such an option yourself.
            - Set multiSelect to true when several choices can apply.
            - If you recommend an option, list it first and add "(Recommended)" to its label.""";

    public AskUserQuestionTool() {
        super("AskUserQuestion", DESCRIPTION, SCHEMA);
    }

    /** Asking needs no permission. */
    @Override
    public boolean readOnly() {
        return true;
    }

    /** One conversation with the human at a time. */
    @Override
    public boolean concurrencySafe() {
        return false;
    }

    @Override
    ToolResult run(ToolInput input, ToolContext context) throws Exception {
        JsonNode questions = input.array("questions");
        validate(questions);
        UserQuestions asker = context.userQuestions();
        if (!asker.canAsk()) {
            throw new ToolException("No one is available to answer questions in this run (headless). Make a"
                    + " reasonable choice yourself, state the assumption you made, and continue.");
        }
        Map<String, String> answers = asker.ask(questions.deepCopy());
        StringBuilder out = new StringBuilder("The user answered your questions:\n");
        for (JsonNode q : questions) {
            String question = q.path("question").asText();
            String answer = answers.get(question);
            out.append("- \"").append(question).append("\" = ")
                    .append(answer == null || answer.isBlank() ? "(no answer)" : "\"" + answer + "\"").append('\n');
        }
        out.append("Continue with these answers in mind.");
        return ToolResult.text(out.toString());
    }

    /** Rules the schema cannot express: answers are keyed by question text, so questions must differ. */
    private static void validate(JsonNode questions) throws ToolException {
        if (questions.isEmpty() || questions.size() > 4) {
            throw new ToolException("Ask 1 to 4 questions (got " + questions.size() + ").");
        }
        Set<String> texts = new HashSet<>();
        for (int i = 0; i < questions.size(); i++) {
            JsonNode q = questions.get(i);
            if (!texts.add(q.path("question").asText())) {
                throw new ToolException("questions[" + i + "] repeats an earlier question; each question must be different.");
            }
            JsonNode options = q.path("options");
            if (options.size() < 2 || options.size() > 4) {
                throw new ToolException("questions[" + i + "] needs 2 to 4 options (got " + options.size() + ").");
            }
            Set<String> labels = new HashSet<>();
            for (JsonNode option : options) {
                if (!labels.add(option.path("label").asText())) {
                    throw new ToolException("questions[" + i + "] has two options labelled \"" + option.path("label").asText()
                            + "\"; labels must differ.");
                }
            }
        }
    }
}
