package dev.picrust.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The agent's channel to a human for structured questions. */
public interface UserQuestions {

    /** True if someone can answer (a subscriber that answers, or an interactive terminal). */
    boolean canAsk();

    /**
     * Emits a {@code question} chunk with {@code questions} (the AskUserQuestion input array), puts
     * the agent in {@code WaitingForAnswer}, and blocks until answered. Keys of the result are the
     * question texts.
     *
     * @throws ToolException if nobody can answer
     * @throws java.util.concurrent.CancellationException if the turn is interrupted meanwhile
     */
    Map<String, String> ask(JsonNode questions) throws ToolException, InterruptedException;
}
