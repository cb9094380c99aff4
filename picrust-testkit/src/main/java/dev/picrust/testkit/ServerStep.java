package dev.picrust.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmResponse;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.StopReason;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What {@link MockLlmServer} does with one request. Scripted responses, errors and stalls are
 * written in the request's {@link WireFormat} (Anthropic Messages, OpenAI Chat Completions or
 * Gemini, told by its path): as SSE when the request streams, else as one JSON body.
 */
public sealed interface ServerStep {

    /** The model name in responses built by the factories here. */
    String MODEL = "claude-mock-1";

    /** Token counts in responses built by the factories here. */
    Usage USAGE = new Usage(100, 20, 0, 0);

    Map<String, String> SSE_HEADERS = Map.of(
            "content-type", "text/event-stream; charset=utf-8",
            "cache-control", "no-cache");

    Map<String, String> JSON_HEADERS = Map.of("content-type", "application/json");

    /** Answer with this response (HTTP 200, SSE or JSON as the request asks). */
    record Respond(LlmResponse response) implements ServerStep {
        public Respond {
            Objects.requireNonNull(response, "response");
        }
    }

    /**
     * Answer with an HTTP error whose body has the Anthropic shape
     * {@code {"type":"error","error":{"type":..,"message":..},"request_id":..}}; the request id is
     * also sent as the {@code request-id} header.
     */
    record HttpError(int status, String errorType, String message, String requestId, Map<String, String> headers)
            implements ServerStep {
        public HttpError {
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(requestId, "requestId");
            headers = orderedCopy(headers);
        }

        /** This error with one more response header (retry-after, retry-after-ms, x-should-retry, ...). */
        public HttpError withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new HttpError(status, errorType, message, requestId, more);
        }
    }

    /**
     * Answer HTTP 200, stream the first {@code eventsBeforeError} events of {@code response}, then an
     * {@code error} event, then end the body and close the connection.
     */
    record MidStreamError(LlmResponse response, int eventsBeforeError, String errorType, String message)
            implements ServerStep {
        public MidStreamError {
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(message, "message");
            if (eventsBeforeError < 0) {
                throw new IllegalArgumentException("eventsBeforeError must be >= 0");
            }
        }
    }

    /** Why a {@link Stall} ended. */
    enum StallEnd { RELEASED, CLIENT_DISCONNECTED, SERVER_CLOSED }

    /**
     * For a streaming request: send the 200 headers and {@code message_start}, then nothing at all
     * (for a non-streaming request: send nothing) until {@code release} opens, the client
     * disconnects or the server closes. Then the connection is dropped without finishing the body.
     * {@code ended} completes with the reason.
     */
    record Stall(Gate release, CompletableFuture<StallEnd> ended) implements ServerStep {
        public Stall {
            Objects.requireNonNull(release, "release");
            Objects.requireNonNull(ended, "ended");
        }
    }

    /**
     * Answer with exactly these bytes. A {@code text/event-stream} body is written event by event
     * (one HTTP chunk per blank-line-terminated event, all sent together as the events are all ready
     * at once), anything else with a Content-Length.
     * The array is shared, not copied (benchmarks reuse one body for every request): do not modify it.
     */
    record Raw(int status, Map<String, String> headers, byte[] body) implements ServerStep {
        public Raw {
            headers = orderedCopy(headers);
            Objects.requireNonNull(body, "body");
        }

        boolean isEventStream() {
            return headers.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase("content-type")
                    && e.getValue().toLowerCase(Locale.ROOT).startsWith("text/event-stream"));
        }
    }

    /** Wait at {@code gate} (or until the server closes) before doing {@code then}. */
    record Held(Gate gate, ServerStep then) implements ServerStep {
        public Held {
            Objects.requireNonNull(gate, "gate");
            Objects.requireNonNull(then, "then");
        }
    }

    /** Decide the step from the request, when it arrives. */
    record Dynamic(Function<RecordedRequest, ServerStep> responder) implements ServerStep {
        public Dynamic {
            Objects.requireNonNull(responder, "responder");
        }
    }

    // ---- responses

    static Respond respond(LlmResponse response) {
        return new Respond(response);
    }

    /** One text block, {@code end_turn}. */
    static Respond text(String text) {
        return content(StopReason.END_TURN, List.of(new TextBlock(text)));
    }

    /** One tool call with a fresh {@code toolu_…} id, {@code tool_use}. */
    static Respond toolUse(String toolName, JsonNode input) {
        return content(StopReason.TOOL_USE, List.of(new ToolUseBlock(GeneratedIds.toolUseId(), toolName, input)));
    }

    static Respond content(StopReason stopReason, List<ContentBlock> blocks) {
        return new Respond(new LlmResponse(GeneratedIds.messageId(), MODEL, blocks, stopReason, USAGE));
    }

    /**
     * A response given as an Anthropic message object ({@code content}, optional {@code id},
     * {@code model}, {@code stop_reason}, {@code usage}); unknown block types are sent verbatim.
     */
    static Respond messageJson(JsonNode message) {
        List<ContentBlock> blocks = MessageCodec.blocksFromJson(message.get("content"));
        JsonNode usage = message.path("usage");
        Usage parsedUsage = usage.isObject()
                ? new Usage(usage.path("input_tokens").asLong(), usage.path("output_tokens").asLong(),
                        usage.path("cache_read_input_tokens").asLong(), usage.path("cache_creation_input_tokens").asLong())
                : USAGE;
        return new Respond(new LlmResponse(
                message.path("id").asText(GeneratedIds.messageId()),
                message.path("model").asText(MODEL),
                blocks,
                StopReason.fromWire(message.path("stop_reason").textValue()),
                parsedUsage));
    }

    // ---- failures

    static HttpError httpError(int status, String errorType, String message) {
        return new HttpError(status, errorType, message, "req_mock_" + GeneratedIds.messageId().substring(4), Map.of());
    }

    /** HTTP 429 {@code rate_limit_error} with {@code retry-after} (whole seconds, rounded up). */
    static HttpError rateLimited(Duration retryAfter) {
        long seconds = Math.max(0, (retryAfter.toMillis() + 999) / 1000);
        return httpError(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit.")
                .withHeader("retry-after", Long.toString(seconds))
                .withHeader("x-should-retry", "true");
    }

    /** HTTP 529 {@code overloaded_error}. */
    static HttpError overloaded() {
        return httpError(529, "overloaded_error", "Overloaded").withHeader("x-should-retry", "true");
    }

    /** A streamed text answer that fails with {@code overloaded_error} after its first text delta. */
    static MidStreamError midStreamOverloaded() {
        // message_start, content_block_start, ping, first text_delta
        return new MidStreamError(text("This answer is cut short by an error.").response(), 4,
                "overloaded_error", "Overloaded");
    }

    static Stall stall() {
        return new Stall(new Gate(), new CompletableFuture<>());
    }

    // ---- raw bodies and fixtures

    static Raw raw(int status, Map<String, String> headers, byte[] body) {
        return new Raw(status, headers, body);
    }

    /** A recorded body file served with the given status and headers. */
    static Raw rawFile(int status, Map<String, String> headers, Path file) {
        return new Raw(status, headers, read(file));
    }

    /** HTTP 200 with these bytes as a {@code text/event-stream} body. */
    static Raw sse(byte[] body) {
        return new Raw(200, SSE_HEADERS, body);
    }

    /** HTTP 200 with a recorded {@code *.sse} file as the body, byte for byte. */
    static Raw sseFile(Path file) {
        return sse(read(file));
    }

    /**
     * HTTP 200 SSE replaying a {@code *.jsonl} chunk file (one data payload per line): each line
     * becomes {@code event: <its type>\ndata: <line>\n\n}.
     */
    static Raw jsonlChunks(Path file) {
        StringBuilder body = new StringBuilder();
        for (String line : new String(read(file), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String type;
            try {
                type = Json.parse(line).path("type").asText();
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not a JSON line in " + file + ": " + line, e);
            }
            body.append("event: ").append(type).append("\ndata: ").append(line).append("\n\n");
        }
        return sse(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One step per recorded exchange in an {@code anthropic-http-*.json} file: its status, its
     * headers (minus framing headers, which the server sets itself) and its body (SSE text sent as
     * is, a JSON body re-serialised).
     */
    static List<ServerStep> exchanges(Path file) {
        JsonNode exchanges;
        try {
            exchanges = Json.parse(read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse exchanges in " + file, e);
        }
        if (!exchanges.isArray()) {
            throw new IllegalArgumentException(file + " is not a JSON array of exchanges");
        }
        List<ServerStep> steps = new ArrayList<>();
        for (JsonNode exchange : exchanges) {
            JsonNode response = exchange.path("response");
            Map<String, String> headers = new LinkedHashMap<>();
            response.path("headers").fields().forEachRemaining(h -> {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                if (!List.of("content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive")
                        .contains(name)) {
                    headers.put(name, h.getValue().asText());
                }
            });
            JsonNode body = response.path("body");
            byte[] bytes = body.isTextual()
                    ? body.asText().getBytes(StandardCharsets.UTF_8)
                    : Json.write(body).getBytes(StandardCharsets.UTF_8);
            steps.add(new Raw(response.path("status_code").asInt(200), headers, bytes));
        }
        return steps;
    }

    // ---- control

    static Held held(Gate gate, ServerStep then) {
        return new Held(gate, then);
    }

    static Dynamic dynamic(Function<RecordedRequest, ServerStep> responder) {
        return new Dynamic(responder);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + file, e);
        }
    }

    private static Map<String, String> orderedCopy(Map<String, String> headers) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
