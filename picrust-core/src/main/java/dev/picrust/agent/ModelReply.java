package dev.picrust.agent;

import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmResponse;
import java.time.Duration;

/** How one model call ended. */
public sealed interface ModelReply {

    /** The model answered; {@code took} is from the request to the last byte. */
    record Answered(LlmResponse response, Duration took) implements ModelReply {}

    /** The turn was interrupted while the model answered; {@code partialText} is what streamed so far. */
    record Interrupted(String partialText) implements ModelReply {}

    /** The provider failed after its retries; {@code kind} says how. */
    record Failed(String message, LlmException.Kind kind) implements ModelReply {
        public Failed(String message) {
            this(message, LlmException.Kind.SERVER_ERROR);
        }

        /** The provider refused the request as longer than the model's context window: compaction can fix it. */
        public boolean contextTooLong() {
            return kind == LlmException.Kind.CONTEXT_TOO_LONG;
        }
    }
}
