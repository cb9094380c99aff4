package dev.picrust.event;

import dev.picrust.llm.ContentBlock;
import java.util.List;

/** What an agent's inbox holds. Answers to permission requests and questions bypass the inbox. */
public sealed interface InputMessage {

    /** A user message: starts a turn when idle; steers or follows up when it arrives mid-turn. */
    record UserInput(List<ContentBlock> content) implements InputMessage {
        public UserInput {
            content = List.copyOf(content);
            if (content.isEmpty()) {
                throw new IllegalArgumentException("user input must not be empty");
            }
        }
    }

    /** Continue an unfinished turn (after resume) without new user text. */
    record Continue() implements InputMessage {}

    /** Stop the agent after the current turn's cancellation. */
    record Shutdown() implements InputMessage {}
}
