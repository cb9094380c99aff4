package dev.picrust.llm.anthropic;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The Anthropic Messages API on the wire: {@code POST /v1/messages}, its SSE events and error bodies. */
final class MessagesWire implements WireProtocol {
    private final URI messagesUri;
    private final List<HttpCall.Header> streamingHeaders;
    private final List<HttpCall.Header> plainHeaders;

    MessagesWire(AnthropicConfig config) {
        String base = BaseUrl.withoutTrailingSlash(config.baseUrl());
        this.messagesUri = URI.create(base + "/v1/messages");
        this.streamingHeaders = headers(config, true);
        this.plainHeaders = headers(config, false);
    }

    URI messagesUri() {
        return messagesUri;
    }

    URI countTokensUri() {
        return URI.create(messagesUri + "/count_tokens");
    }

    /** The count endpoint takes the create request's shape without the answer's settings. */
    byte[] countBody(LlmRequest request, String model) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode body = (com.fasterxml.jackson.databind.node.ObjectNode)
                    Json.parse(MessagesRequest.toBytes(request, model, false));
            body.remove(List.of("max_tokens", "stream", "temperature", "top_p", "top_k", "stop_sequences", "metadata"));
            return Json.writeBytes(body);
        } catch (IOException e) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "cannot encode a count_tokens request: " + e.getMessage(),
                    0, null, false, e);
        }
    }

    @Override
    public URI uri(String model, boolean streaming) {
        return messagesUri;
    }

    @Override
    public List<HttpCall.Header> headers(boolean streaming) {
        return streaming ? streamingHeaders : plainHeaders;
    }

    @Override
    public byte[] body(LlmRequest request, String model, boolean streaming) {
        return MessagesRequest.toBytes(request, model, streaming);
    }

    @Override
    public Optional<String> requestId(ResponseHeaders headers) {
        return headers.firstValue("request-id");
    }

    @Override
    public LlmResponse readStream(SseReader reader, StreamListener listener) throws IOException {
        MessageStreamAccumulator accumulator = new MessageStreamAccumulator(listener);
        try {
            while (!accumulator.isComplete()) {
                if (!reader.ready()) {
                    accumulator.release();  // a wait for the model may be long: hold no pooled buffers meanwhile
                }
                Optional<SseEvent> event = reader.next();
                if (event.isEmpty()) {
                    break;
                }
                accumulator.accept(event.get());
            }
            return accumulator.finish();
        } finally {
            accumulator.release();
        }
    }

    @Override
    public LlmResponse readMessage(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            return MessagesResponse.fromJson(Json.parse(text));
        } catch (JsonProcessingException e) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "Anthropic answer is not JSON: " + e.getOriginalMessage(),
                    0, null, false, e);
        }
    }

    @Override
    public ErrorBody readError(int status, String text) {
        Optional<ApiError> error;
        try {
            JsonNode node = Json.parse(text);
            error = node == null ? Optional.empty() : ApiError.fromJson(node);
        } catch (JsonProcessingException notJson) {
            error = Optional.empty();
        }
        String type = error.map(ApiError::type).orElse("");
        String message = error.map(ApiError::message).orElse(text);
        return new ErrorBody(ApiError.contextTooLong(type, message) ? Kind.CONTEXT_TOO_LONG : ApiError.kind(type, status),
                type, message, error.flatMap(ApiError::requestId));
    }

    /** The request headers, the same for every call of this provider but for what it accepts. */
    private static List<HttpCall.Header> headers(AnthropicConfig config, boolean streaming) {
        List<HttpCall.Header> headers = new ArrayList<>(6);
        headers.add(new HttpCall.Header("x-api-key", config.apiKey()));
        headers.add(new HttpCall.Header("anthropic-version", config.version()));
        headers.add(new HttpCall.Header("content-type", "application/json"));
        headers.add(new HttpCall.Header("accept", streaming ? "text/event-stream" : "application/json"));
        if (!config.betas().isEmpty()) {
            headers.add(new HttpCall.Header("anthropic-beta", String.join(",", config.betas())));
        }
        return List.copyOf(headers);
    }
}
