package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * A {@code content_block_delta}, {@code content_block_stop}, {@code ping} or {@code message_stop}
 * payload, read with Jackson's streaming parser instead of a tree: these are nearly all of a
 * stream's events, and each carries at most an index and one string.
 *
 * <p>{@link #read} accepts one shape: an object whose members are {@code type} (a string),
 * {@code index} (an integer in int range) and {@code delta} (an object whose members are the strings
 * {@code type}, {@code text}, {@code thinking}, {@code signature} and {@code partial_json}); a
 * repeated member counts the last time, as in a tree. Anything else (other members, other value
 * kinds, a {@code citations_delta}, text that is not JSON) gives empty, and the caller reads the
 * event as a tree, which decides it exactly as before. The parser comes from the same factory as
 * the tree's, so this never accepts text the tree route would reject.
 *
 * @param hasIndex  whether the payload had an {@code index}
 * @param deltaType the delta's {@code type}, empty if none
 * @param deltaText the string the delta type carries ({@code text}, {@code thinking},
 *                  {@code signature} or {@code partial_json}), empty if absent
 */
record BlockEvent(boolean hasIndex, int index, String deltaType, String deltaText) {

    /** The event at {@code parser}'s current token (the payload's {@code START_OBJECT}); null if not this shape. */
    static BlockEvent read(JsonParser parser) throws IOException {
        return new Reading(parser).event();
    }

    /** One pass over the tokens; each step answers null once the payload leaves the shape. */
    private static final class Reading {
        private final JsonParser parser;
        private boolean hasIndex;
        private int index;
        private String deltaType;
        private String text;
        private String thinking;
        private String signature;
        private String partialJson;

        Reading(JsonParser parser) {
            this.parser = parser;
        }

        BlockEvent event() throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                boolean read = switch (name) {
                    case "type" -> value == JsonToken.VALUE_STRING;
                    case "index" -> index(value);
                    case "delta" -> value == JsonToken.START_OBJECT && delta();
                    default -> false;
                };
                if (!read) {
                    return null;
                }
            }
            if (token != JsonToken.END_OBJECT) {
                return null;
            }
            if (deltaType == null) {
                return new BlockEvent(hasIndex, index, "", "");
            }
            if (deltaType.equals("citations_delta")) {
                // It carries an object, which the tree route copies.
                return null;
            }
            String carried = switch (deltaType) {
                case "text_delta" -> text;
                case "thinking_delta" -> thinking;
                case "signature_delta" -> signature;
                case "input_json_delta" -> partialJson;
                default -> "";
            };
            return new BlockEvent(hasIndex, index, deltaType, carried == null ? "" : carried);
        }

        private boolean index(JsonToken value) throws IOException {
            if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
                return false;
            }
            hasIndex = true;
            index = parser.getIntValue();
            return true;
        }

        /** The members of a delta object; a repeated delta replaces the earlier one entirely, as in a tree. */
        private boolean delta() throws IOException {
            deltaType = "";
            text = thinking = signature = partialJson = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (parser.nextToken() != JsonToken.VALUE_STRING) {
                    return false;
                }
                String value = parser.getText();
                switch (name) {
                    case "type" -> deltaType = value;
                    case "text" -> text = value;
                    case "thinking" -> thinking = value;
                    case "signature" -> signature = value;
                    case "partial_json" -> partialJson = value;
                    default -> {
                        return false;
                    }
                }
            }
            return token == JsonToken.END_OBJECT;
        }
    }
}
