package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.picrust.json.Json;
import java.io.IOException;
import java.util.Optional;

/**
 * A {@code content_block_delta}, {@code content_block_stop} or {@code ping} payload read with a
 * streaming parser instead of a tree: these are nearly all of a stream's events, and each carries
 * at most an index and one string.
 *
 * <p>{@link #read} answers only for the plain shape: an object whose {@code index} is an int and
 * whose {@code delta} is an object with string {@code type}, {@code text}, {@code thinking},
 * {@code signature} and {@code partial_json} fields (other fields are skipped, a repeated field
 * counts once, the last time, as in a tree). Anything else (not JSON, trailing data, a fractional
 * or string index, a non-string field, a {@code citations_delta}) gives empty, and the caller reads
 * the event as a tree, which decides it exactly as before.
 *
 * @param hasIndex    whether the payload had an {@code index}
 * @param deltaType   the delta's {@code type}, empty if none
 * @param deltaText   the string the delta type carries ({@code text}, {@code thinking},
 *                    {@code signature} or {@code partial_json}), empty if absent
 */
record BlockEvent(boolean hasIndex, int index, String deltaType, String deltaText) {

    static Optional<BlockEvent> read(String data) {
        try (JsonParser parser = Json.MAPPER.createParser(data)) {
            return Optional.ofNullable(readObject(parser));
        } catch (IOException unusual) {
            return Optional.empty();
        }
    }

    /** The event, or null when the payload is not the plain shape. */
    private static BlockEvent readObject(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        boolean hasIndex = false;
        int index = 0;
        Delta delta = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "index" -> {
                    if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
                        return null;
                    }
                    hasIndex = true;
                    index = parser.getIntValue();
                }
                case "delta" -> {
                    if (value != JsonToken.START_OBJECT) {
                        return null;
                    }
                    delta = readDelta(parser);
                    if (delta == null) {
                        return null;
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
            return null;
        }
        if (delta == null) {
            return new BlockEvent(hasIndex, index, "", "");
        }
        if (delta.type.equals("citations_delta")) {
            // It carries an object, which the tree route copies.
            return null;
        }
        String text = switch (delta.type) {
            case "text_delta" -> delta.text;
            case "thinking_delta" -> delta.thinking;
            case "signature_delta" -> delta.signature;
            case "input_json_delta" -> delta.partialJson;
            default -> "";
        };
        return new BlockEvent(hasIndex, index, delta.type, text);
    }

    private static Delta readDelta(JsonParser parser) throws IOException {
        Delta delta = new Delta();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "type", "text", "thinking", "signature", "partial_json" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    String text = parser.getText();
                    switch (name) {
                        case "type" -> delta.type = text;
                        case "text" -> delta.text = text;
                        case "thinking" -> delta.thinking = text;
                        case "signature" -> delta.signature = text;
                        default -> delta.partialJson = text;
                    }
                }
                default -> parser.skipChildren();
            }
        }
        return delta;
    }

    /** The fields of a delta object read so far; absent ones are empty, as {@code path(...).asText("")} gives. */
    private static final class Delta {
        String type = "";
        String text = "";
        String thinking = "";
        String signature = "";
        String partialJson = "";
    }
}
