package dev.picrust.llm.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.http.HttpCall;
import dev.picrust.http.ResponseHeaders;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmException;
import dev.picrust.llm.LlmException.Kind;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.StreamListener;
import dev.picrust.llm.wire.BaseUrl;
import dev.picrust.llm.wire.WireProtocol;
import dev.picrust.llm.sse.SseEvent;
import dev.picrust.llm.sse.SseReader;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Gemini API on the wire: {@code POST <base>/models/<model>:generateContent}, or
 * {@code :streamGenerateContent?alt=sse} for a stream of whole {@code GenerateContentResponse}
 * chunks; errors are {@code {"error":{"code","message","status"}}}, also mid-stream.
 */
final class GeminiWire implements WireProtocol {
    private final String base;
    private final List<HttpCall.Header> streamingHeaders;
    private final List<HttpCall.Header> plainHeaders;

    GeminiWire(GeminiConfig config) {
        String url = BaseUrl.withoutTrailingSlash(config.baseUrl());
        this.base = url;
        this.streamingHeaders = headers(config, true);
        this.plainHeaders = headers(config, false);
    }

    String base() {
        return base;
    }

    URI countTokensUri(String model) {
        return URI.create(modelPath(model) + ":countTokens");
    }

    /** {@code <base>/models/<name>}, the model given with or without its {@code models/} prefix. */
    private String modelPath(String model) {
        return base + "/models/" + URLEncoder.encode(model.startsWith("models/") ? model.substring(7) : model,
                StandardCharsets.UTF_8);
    }

    /** {@code {"generateContentRequest": {"model": "models/M", ...the generate body}}}. */
    byte[] countBody(LlmRequest request, String model) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode generate = (com.fasterxml.jackson.databind.node.ObjectNode)
                    Json.parse(body(request, model, false));
            generate.put("model", model.startsWith("models/") ? model : "models/" + model);
            com.fasterxml.jackson.databind.node.ObjectNode wrapped = Json.object();
            wrapped.set("generateContentRequest", generate);
            return Json.writeBytes(wrapped);
        } catch (IOException e) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "cannot encode a countTokens request: " + e.getMessage(),
                    0, null, false, e);
        }
    }

    @Override
    public URI uri(String model, boolean streaming) {
        return URI.create(modelPath(model) + (streaming ? ":streamGenerateContent?alt=sse" : ":generateContent"));
    }

    @Override
    public List<HttpCall.Header> headers(boolean streaming) {
        return streaming ? streamingHeaders : plainHeaders;
    }

    @Override
    public byte[] body(LlmRequest request, String model, boolean streaming) {
        return Json.writeBytes(GeminiRequest.toJson(request, model));
    }

    @Override
    public Optional<String> requestId(ResponseHeaders headers) {
        return headers.firstValue("x-request-id");
    }

    @Override
    public LlmResponse readStream(SseReader reader, StreamListener listener) throws IOException {
        GeminiAccumulator accumulator = new GeminiAccumulator(listener);
        while (true) {
            Optional<SseEvent> event = reader.next();
            if (event.isEmpty()) {
                break;
            }
            accumulator.acceptData(event.get().data());
        }
        return accumulator.finish();
    }

    @Override
    public LlmResponse readMessage(byte[] body) {
        JsonNode response = WireProtocol.answerJson(body, "Gemini answer");
        if (response == null || !response.isObject()) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "Gemini answer is not a JSON object");
        }
        GeminiAccumulator accumulator = new GeminiAccumulator(StreamListener.NONE);
        accumulator.accept(response);
        if (!accumulator.isFinished()) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "Gemini answer has no candidate with a finish reason");
        }
        return accumulator.finish();
    }

    @Override
    public ErrorBody readError(int status, String text) {
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (JsonProcessingException notJson) {
            node = null;
        }
        // The API sends one object; some proxies wrap it in an array.
        JsonNode error = node == null ? null : (node.isArray() ? node.path(0) : node).path("error");
        if (error == null || !error.isObject()) {
            return new ErrorBody(WireProtocol.kindOf(status), "", text, Optional.empty());
        }
        String type = error.path("status").asText("");
        String message = error.path("message").asText(text);
        return new ErrorBody(contextTooLong(type, message) ? Kind.CONTEXT_TOO_LONG : kind(type, status), type, message,
                Optional.empty());
    }

    /** {@code INVALID_ARGUMENT: The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).} */
    static boolean contextTooLong(String status, String message) {
        return status.equals("INVALID_ARGUMENT") && message.contains("input token count")
                && message.contains("exceeds the maximum");
    }

    static Kind kind(String status, int httpStatus) {
        return switch (status) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> Kind.INVALID_REQUEST;
            case "UNAUTHENTICATED" -> Kind.AUTHENTICATION;
            case "PERMISSION_DENIED" -> Kind.PERMISSION;
            case "NOT_FOUND" -> Kind.NOT_FOUND;
            case "RESOURCE_EXHAUSTED" -> Kind.RATE_LIMITED;
            case "UNAVAILABLE" -> Kind.OVERLOADED;
            case "INTERNAL" -> Kind.SERVER_ERROR;
            case "DEADLINE_EXCEEDED" -> Kind.TIMEOUT;
            default -> WireProtocol.kindOf(httpStatus);
        };
    }

    /** The error statuses a retry can fix when they come mid-stream. */
    static boolean isTransient(String status) {
        return switch (status) {
            case "UNAVAILABLE", "INTERNAL", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED" -> true;
            default -> false;
        };
    }

    private static List<HttpCall.Header> headers(GeminiConfig config, boolean streaming) {
        List<HttpCall.Header> headers = new ArrayList<>();
        headers.add(new HttpCall.Header("x-goog-api-key", config.apiKey()));
        headers.add(new HttpCall.Header("content-type", "application/json"));
        headers.add(new HttpCall.Header("accept", streaming ? "text/event-stream" : "application/json"));
        config.headers().forEach((name, value) -> headers.add(new HttpCall.Header(name, value)));
        return List.copyOf(headers);
    }
}
