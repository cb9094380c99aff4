package dev.picrust.llm;

import java.util.Optional;

/**
 * A provider call failed for good (after retries, or for a reason no retry fixes). Carries the HTTP
 * status and the provider's request id when there was one.
 */
public class LlmException extends RuntimeException {

    /** What went wrong, coarse enough to act on. */
    public enum Kind {
        INVALID_REQUEST, AUTHENTICATION, PERMISSION, NOT_FOUND, REQUEST_TOO_LARGE, RATE_LIMITED,
        OVERLOADED, SERVER_ERROR, CONNECTION, TIMEOUT, MALFORMED_RESPONSE, STREAM_ERROR, CONFIGURATION,
        /**
         * The request holds more tokens than the model's context window (Anthropic's "prompt is too
         * long", OpenAI's {@code context_length_exceeded}, Gemini's "input token count exceeds"):
         * compacting the history is the fix, not a retry.
         */
        CONTEXT_TOO_LONG
    }

    private final Kind kind;
    private final int status;
    private final String requestId;
    private final boolean retryable;

    public LlmException(Kind kind, String message, int status, String requestId, boolean retryable, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.requestId = requestId;
        this.retryable = retryable;
    }

    public LlmException(Kind kind, String message) {
        this(kind, message, 0, null, false, null);
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status, or 0 when the failure was not an HTTP answer. */
    public int status() {
        return status;
    }

    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    public boolean retryable() {
        return retryable;
    }
}
