package dev.picrust.event;

import dev.picrust.llm.ContentBlock;
import java.util.List;
import java.util.Optional;

/** What an agent's inbox holds. Answers to permission requests and questions bypass the inbox. */
public sealed interface InputMessage {

    /**
     * A user message: starts a turn when idle; steers or follows up when it arrives mid-turn.
     * {@code pinned}: compaction never summarises it away (it starts a turn of its own, never
     * steers, so it stays one message the session can point at).
     */
    record UserInput(List<ContentBlock> content, boolean pinned) implements InputMessage {
        public UserInput {
            content = List.copyOf(content);
            if (content.isEmpty()) {
                throw new IllegalArgumentException("user input must not be empty");
            }
        }

        public UserInput(List<ContentBlock> content) {
            this(content, false);
        }
    }

    /**
     * Summarise the history now (between turns), whatever its size; {@code instructions} say what
     * the summary should focus on.
     */
    record Compact(Optional<String> instructions) implements InputMessage {
        public Compact {
            java.util.Objects.requireNonNull(instructions, "instructions");
        }
    }

    /** Continue an unfinished turn (after resume) without new user text. */
    record Continue() implements InputMessage {}

    /** Stop the agent after the current turn's cancellation. */
    record Shutdown() implements InputMessage {}
}
