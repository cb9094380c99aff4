package dev.picrust.llm.wire;

import dev.picrust.llm.*;
import dev.picrust.http.HttpCall;
import dev.picrust.http.ResponseHeaders;
import dev.picrust.llm.sse.SseReader;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What one provider's API looks like on the wire: where a call goes, how its body is written and
 * how answers and error bodies are read. {@link HttpRetryLoop} does everything around it (sending,
 * retries, timeouts, cancellation, redaction), the same way for every provider.
 */
public interface WireProtocol {

    /** Where the call goes: it may depend on the model and the call style (Gemini's do). */
    URI uri(String model, boolean streaming);

    /** Request headers, authentication included. */
    List<HttpCall.Header> headers(boolean streaming);

    /** The request body, encoded per attempt. */
    byte[] body(LlmRequest request, String model, boolean streaming);

    /** The provider's request id in the answer's headers, if it sends one. */
    Optional<String> requestId(ResponseHeaders headers);

    /**
     * Reads a streamed 2xx answer to its end, reporting deltas to {@code listener}. The events come
     * from the loop's reader, which enforces the idle timeout (keep-alive pings do not count).
     *
     * @throws LlmException for an error sent mid-stream or a stream that ends early (retryable when
     *                      a retry can fix it)
     * @throws IOException  when the connection breaks or stalls
     */
    LlmResponse readStream(SseReader events, StreamListener listener) throws IOException;

    /** Reads a non-streamed 2xx answer. */
    LlmResponse readMessage(byte[] body);

    /** Reads an error answer's body; {@code text} may be anything (a proxy's HTML page, say). */
    ErrorBody readError(int status, String text);

    /**
     * What an error answer said.
     *
     * @param kind      what went wrong, from the provider's error type or else the status
     * @param type      the provider's error type or code, empty if none
     * @param message   the provider's message, or the raw body when it had no recognisable shape
     * @param requestId the request id the body named, if any
     */
    record ErrorBody(LlmException.Kind kind, String type, String message, Optional<String> requestId) {}

    /** The kind for an HTTP status when the body names no better one (0: not an HTTP answer). */
    static LlmException.Kind kindOf(int status) {
        return switch (status) {
            case 0 -> LlmException.Kind.STREAM_ERROR;
            case 401 -> LlmException.Kind.AUTHENTICATION;
            case 402, 403 -> LlmException.Kind.PERMISSION;
            case 404 -> LlmException.Kind.NOT_FOUND;
            case 408, 504 -> LlmException.Kind.TIMEOUT;
            case 413 -> LlmException.Kind.REQUEST_TOO_LARGE;
            case 429 -> LlmException.Kind.RATE_LIMITED;
            case 529 -> LlmException.Kind.OVERLOADED;
            default -> status >= 500 ? LlmException.Kind.SERVER_ERROR : LlmException.Kind.INVALID_REQUEST;
        };
    }

    /**
     * A non-streamed answer's body as JSON, or a {@code MALFORMED_RESPONSE} naming {@code what}
     * ("OpenAI answer"); {@code null} for an empty body, which the caller's shape check refuses.
     */
    static com.fasterxml.jackson.databind.JsonNode answerJson(byte[] body, String what) {
        try {
            return dev.picrust.json.Json.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LlmException(LlmException.Kind.MALFORMED_RESPONSE, what + " is not JSON: " + e.getOriginalMessage(),
                    0, null, false, e);
        }
    }
}
