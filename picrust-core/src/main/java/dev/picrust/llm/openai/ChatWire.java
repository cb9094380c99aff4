package dev.picrust.llm.openai;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** OpenAI Chat Completions on the wire: {@code POST <base>/chat/completions}, its chunks and error bodies. */
final class ChatWire implements WireProtocol {
    private final OpenAiConfig config;
    private final URI completionsUri;
    private final List<HttpCall.Header> streamingHeaders;
    private final List<HttpCall.Header> plainHeaders;

    ChatWire(OpenAiConfig config) {
        this.config = config;
        String base = BaseUrl.withoutTrailingSlash(config.baseUrl());
        this.completionsUri = URI.create(base + "/chat/completions");
        this.streamingHeaders = headers(config, true);
        this.plainHeaders = headers(config, false);
    }

    URI completionsUri() {
        return completionsUri;
    }

    @Override
    public URI uri(String model, boolean streaming) {
        return completionsUri;
    }

    @Override
    public List<HttpCall.Header> headers(boolean streaming) {
        return streaming ? streamingHeaders : plainHeaders;
    }

    @Override
    public byte[] body(LlmRequest request, String model, boolean streaming) {
        return Json.writeBytes(ChatRequest.toJson(request, model, streaming, config));
    }

    @Override
    public Optional<String> requestId(ResponseHeaders headers) {
        return headers.firstValue("x-request-id");
    }

    @Override
    public LlmResponse readStream(SseReader reader, StreamListener listener) throws IOException {
        ChatAccumulator accumulator = new ChatAccumulator(listener);
        while (!accumulator.isDone()) {
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
        JsonNode completion = WireProtocol.answerJson(body, "OpenAI answer");
        if (completion == null || !completion.isObject()
                || !(completion.path("choices").isArray() || completion.has("error"))) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "OpenAI answer is not a chat completion (no choices)");
        }
        ChatAccumulator accumulator = new ChatAccumulator(StreamListener.NONE);
        accumulator.acceptChunk(completion, "message");
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
        if (node == null || !node.isObject()) {
            return new ErrorBody(WireProtocol.kindOf(status), "", text, Optional.empty());
        }
        // OpenAI: {"error":{"message","type","code"}}; Ollama: {"error":"..."}; vLLM: {"object":"error","message",..}.
        JsonNode error = node.has("error") ? node.get("error") : node;
        String message = error.isTextual() ? error.asText() : error.path("message").asText(text);
        String type = error.path("type").asText("");
        String code = error.path("code").isTextual() ? error.path("code").asText() : "";
        String named = !code.isEmpty() ? code : type;
        Kind kind = contextTooLong(named, message) ? Kind.CONTEXT_TOO_LONG : kind(named, status);
        return new ErrorBody(kind, named, message, Optional.empty());
    }

    /**
     * OpenAI names the code; compatible servers only say it: vLLM and OpenRouter "maximum context
     * length is N tokens", llama.cpp {@code exceed_context_size_error} ("exceeds the available context size").
     */
    static boolean contextTooLong(String code, String message) {
        return code.equals("context_length_exceeded") || code.equals("exceed_context_size_error")
                || message.contains("maximum context length") || message.contains("exceeds the available context size");
    }

    private static Kind kind(String type, int status) {
        return switch (type) {
            case "invalid_api_key", "authentication_error" -> Kind.AUTHENTICATION;
            case "insufficient_quota", "rate_limit_exceeded", "rate_limit_error" -> Kind.RATE_LIMITED;
            case "model_not_found" -> Kind.NOT_FOUND;
            case "invalid_request_error" -> Kind.INVALID_REQUEST;
            case "server_error" -> Kind.SERVER_ERROR;
            default -> WireProtocol.kindOf(status);
        };
    }

    private static List<HttpCall.Header> headers(OpenAiConfig config, boolean streaming) {
        List<HttpCall.Header> headers = new ArrayList<>();
        if (!config.apiKey().isEmpty()) {
            headers.add(new HttpCall.Header("authorization", "Bearer " + config.apiKey()));
        }
        headers.add(new HttpCall.Header("content-type", "application/json"));
        headers.add(new HttpCall.Header("accept", streaming ? "text/event-stream" : "application/json"));
        config.headers().forEach((name, value) -> headers.add(new HttpCall.Header(name, value)));
        return List.copyOf(headers);
    }
}
