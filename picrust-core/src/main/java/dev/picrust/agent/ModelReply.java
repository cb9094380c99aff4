package dev.picrust.agent;

import dev.picrust.llm.LlmResponse;
import java.time.Duration;

/** How one model call ended. */
public sealed interface ModelReply {

    /** The model answered; {@code took} is from the request to the last byte. */
    record Answered(LlmResponse response, Duration took) implements ModelReply {}

    /** The turn was interrupted while the model answered; {@code partialText} is what streamed so far. */
    record Interrupted(String partialText) implements ModelReply {}

    /** The provider failed after its retries. */
    record Failed(String message) implements ModelReply {}
}
