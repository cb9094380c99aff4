package dev.picrust.json;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ShortNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one Jackson configuration the framework uses for wire data, sessions and output chunks.
 *
 * <p>Trees are read and written here with Jackson's streaming parser and generator, not through an
 * {@link ObjectMapper}: a mapper costs ~0.1 s of class loading and static set-up at start (every
 * command reads JSON before anything else) and a deserialization context per document; reading a
 * tree needs neither. The mapper ({@link #mapper()}) is made on first use, for the few callers that
 * bind Java objects (MCP's SDK types, schemas of records).
 */
public final class Json {
    /**
     * The longest JSON string we read, in characters. Jackson's default (20,000,000) is below what a
     * model may answer or put in one tool input, and a session line over it was silently skipped on
     * the next load. A bound stays, so a runaway answer costs at most about 1 GiB of heap (2 bytes a
     * char in a string, once more in its line) rather than all of it.
     */
    public static final int MAX_STRING_CHARS = 256 * 1024 * 1024;
    /** The longest JSON document (one session line, one provider answer) we read, in bytes or chars. */
    public static final long MAX_DOCUMENT_BYTES = 512L * 1024 * 1024;

    /*
     * Jackson's default buffer pool is per thread. With one virtual thread per agent that means a
     * fresh set of buffers (about 16 KiB) for every agent, kept alive by each agent's thread; a
     * shared pool keeps as many as are in use at once.
     */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxDocumentLength(MAX_DOCUMENT_BYTES)
                    .build())
            .build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    /** An {@link ObjectMapper} on {@link #FACTORY}, for binding Java objects; trees need none. */
    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    /** Made on first use: most runs never bind an object. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper(FACTORY)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /**
     * Parses JSON text; trailing whitespace is fine, trailing garbage is not. Empty text is a
     * {@link MissingNode}, as with the mapper.
     */
    public static JsonNode parse(String text) throws JsonProcessingException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return document(parser);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a String has no I/O
        }
    }

    /** Parses UTF-8 (or UTF-16/32, detected) JSON bytes, as {@link #parse(String)}. */
    public static JsonNode parse(byte[] bytes) throws JsonProcessingException {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            return document(parser);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a JSON document from a stream (not closed here), as {@link #parse(String)}. */
    public static JsonNode parse(InputStream in) throws IOException {
        try (JsonParser parser = FACTORY.createParser(in)) {
            return document(parser);
        }
    }

    /** Parses a JSON file, as {@link #parse(String)}. */
    public static JsonNode parse(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        }
    }

    /**
     * The tree of the one value {@code parser} is at or before, read to its end, keeping each number's
     * kind as the parser reports it (so a token buffer's {@code 1.50} stays {@code 1.50}).
     */
    public static JsonNode tree(JsonParser parser) throws IOException {
        JsonToken first = parser.currentToken() == null ? parser.nextToken() : parser.currentToken();
        return first == null ? MissingNode.getInstance() : value(parser, first);
    }

    private static JsonNode document(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return MissingNode.getInstance();
        }
        JsonNode root = value(parser, first);
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new JsonParseException(parser, "Trailing token (of type " + trailing + ") found after the JSON value");
        }
        return root;
    }

    /** One value starting at {@code token}; nesting depth is bounded by the parser's constraints. */
    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                String name;
                while ((name = parser.nextFieldName()) != null) {
                    object.replace(name, value(parser, parser.nextToken()));  // a repeated name: the last wins
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    array.add(value(parser, next));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> IntNode.valueOf(parser.getIntValue());
                case LONG -> LongNode.valueOf(parser.getLongValue());
                default -> BigIntegerNode.valueOf(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> switch (parser.getNumberType()) {
                case BIG_DECIMAL -> DecimalNode.valueOf(parser.getDecimalValue());
                case FLOAT -> FloatNode.valueOf(parser.getFloatValue());
                default -> DoubleNode.valueOf(parser.getDoubleValue());
            };
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            case VALUE_EMBEDDED_OBJECT -> parser.getEmbeddedObject() instanceof byte[] bytes
                    ? BinaryNode.valueOf(bytes) : NODES.pojoNode(parser.getEmbeddedObject());
            default -> throw new JsonParseException(parser, "Unexpected token " + token + " where a JSON value belongs");
        };
    }

    /** Compact JSON of a tree as UTF-8 bytes. */
    public static byte[] writeBytes(JsonNode node) {
        return writeBytes(out -> write(out, node));
    }

    /** Compact JSON text of a tree (characters beyond the BMP as themselves, not escaped as in the bytes). */
    public static String write(JsonNode node) {
        return text(out -> write(out, node));
    }

    /** JSON text of a tree laid out for people: two-space indents, one member per line. */
    public static String writePretty(JsonNode node) {
        return text(out -> {
            out.setPrettyPrinter(new DefaultPrettyPrinter());
            write(out, node);
        });
    }

    private static String text(JsonStreamWriter writer) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * Compact JSON written by {@code writer} as UTF-8 bytes, with the factory's settings and pooled
     * buffers: the bytes equal those of the tree the writer describes.
     */
    public static byte[] writeBytes(JsonStreamWriter writer) {
        BufferRecycler recycler = FACTORY._getBufferRecycler();
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(recycler)) {
            try (JsonGenerator out = FACTORY.createGenerator(bytes, JsonEncoding.UTF8)) {
                writer.write(out);
            }
            byte[] result = bytes.toByteArray();
            bytes.release();
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            recycler.releaseToPool();
        }
    }

    /**
     * Writes a tree to a generator exactly as the mapper would. Every node kind a parser makes is
     * written here; only a node holding a Java object ({@code POJONode}) goes through the mapper.
     */
    public static void write(JsonGenerator out, JsonNode node) throws IOException {
        switch (node) {
            case ObjectNode object -> {
                out.writeStartObject(object);
                for (Map.Entry<String, JsonNode> field : object.properties()) {
                    out.writeFieldName(field.getKey());
                    write(out, field.getValue());
                }
                out.writeEndObject();
            }
            case ArrayNode array -> {
                int size = array.size();
                out.writeStartArray(array, size);
                for (int i = 0; i < size; i++) {
                    write(out, array.get(i));
                }
                out.writeEndArray();
            }
            case TextNode text -> out.writeString(text.textValue());
            case IntNode number -> out.writeNumber(number.intValue());
            case LongNode number -> out.writeNumber(number.longValue());
            case DoubleNode number -> out.writeNumber(number.doubleValue());
            case FloatNode number -> out.writeNumber(number.floatValue());
            case BigIntegerNode number -> out.writeNumber(number.bigIntegerValue());
            case DecimalNode number -> out.writeNumber(number.decimalValue());
            case ShortNode number -> out.writeNumber(number.shortValue());
            case BooleanNode bool -> out.writeBoolean(bool.booleanValue());
            case NullNode nothing -> out.writeNull();
            case BinaryNode binary -> out.writeBinary(Base64Variants.getDefaultVariant(), binary.binaryValue(), 0,
                    binary.binaryValue().length);
            default -> node.serialize(out, mapper().getSerializerProviderInstance());
        }
    }
}
