package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.llm.LlmException.Kind;
import dev.picrust.llm.wire.WireProtocol;
import java.util.Optional;

/**
 * The error object of an Anthropic error answer: {@code {"type":"error","error":{"type","message"},
 * "request_id"}}, sent both as an HTTP error body and as an {@code error} event mid-stream.
 */
record ApiError(String type, String message, Optional<String> requestId) {

    /** Reads the error object; empty when the JSON has another shape (a proxy's HTML page, say). */
    static Optional<ApiError> fromJson(JsonNode node) {
        JsonNode error = node.path("error");
        if (!error.isObject()) {
            return Optional.empty();
        }
        JsonNode requestId = node.get("request_id");
        return Optional.of(new ApiError(error.path("type").asText(""), error.path("message").asText(""),
                requestId != null && requestId.isTextual() ? Optional.of(requestId.asText()) : Optional.empty()));
    }

    /**
     * The API's answer to a request over the context window: {@code prompt is too long: 210000 tokens >
     * 200000 maximum}, or {@code input length and `max_tokens` exceed context limit: ...}.
     */
    static boolean contextTooLong(String type, String message) {
        return type.equals("invalid_request_error")
                && (message.startsWith("prompt is too long") || message.contains("exceed context limit"));
    }

    /** The error types a mid-stream retry can fix. */
    boolean isTransient() {
        return switch (type) {
            case "overloaded_error", "api_error", "rate_limit_error", "timeout_error" -> true;
            default -> false;
        };
    }

    /** The kind for an error type, falling back to the HTTP status (0 when there was none). */
    static Kind kind(String type, int status) {
        return switch (type) {
            case "invalid_request_error" -> Kind.INVALID_REQUEST;
            case "authentication_error" -> Kind.AUTHENTICATION;
            case "permission_error", "billing_error" -> Kind.PERMISSION;
            case "not_found_error" -> Kind.NOT_FOUND;
            case "request_too_large" -> Kind.REQUEST_TOO_LARGE;
            case "rate_limit_error" -> Kind.RATE_LIMITED;
            case "overloaded_error" -> Kind.OVERLOADED;
            case "timeout_error" -> Kind.TIMEOUT;
            case "api_error" -> Kind.SERVER_ERROR;
            default -> kind(status);
        };
    }

    static Kind kind(int status) {
        return WireProtocol.kindOf(status);
    }
}
