package dev.picrust.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The one Jackson configuration the framework uses for wire data, sessions and output chunks. */
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
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(MAX_STRING_CHARS)
                            .maxDocumentLength(MAX_DOCUMENT_BYTES)
                            .build())
                    .build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private Json() {}

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** Parses JSON text; trailing whitespace is fine, trailing garbage is not. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** Compact JSON of a tree as UTF-8 bytes (cheaper than {@link #write} when bytes are what is needed). */
    public static byte[] writeBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact JSON text of a tree. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compact JSON written by {@code writer} as UTF-8 bytes, with the same generator, settings and
     * pooled buffers as {@link #writeBytes(JsonNode)}: the bytes equal those of the tree the writer
     * describes.
     */
    public static byte[] writeBytes(JsonStreamWriter writer) {
        BufferRecycler recycler = MAPPER.getFactory()._getBufferRecycler();
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(recycler)) {
            try (JsonGenerator out = MAPPER.createGenerator(bytes, JsonEncoding.UTF8)) {
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
     * Writes a tree to a generator exactly as {@link #writeBytes(JsonNode)} would. Objects, arrays,
     * strings, ints and booleans (what parsed wire JSON is made of) are written here; any other
     * node goes through its own serializer with the mapper's settings. Either way this skips the
     * mapper's per-value serializer lookup and flush.
     */
    public static void write(JsonGenerator out, JsonNode node) throws IOException {
        if (node instanceof ObjectNode object) {
            out.writeStartObject(object);
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                out.writeFieldName(field.getKey());
                write(out, field.getValue());
            }
            out.writeEndObject();
        } else if (node instanceof ArrayNode array) {
            int size = array.size();
            out.writeStartArray(array, size);
            for (int i = 0; i < size; i++) {
                write(out, array.get(i));
            }
            out.writeEndArray();
        } else if (node instanceof TextNode text) {
            out.writeString(text.textValue());
        } else if (node instanceof IntNode number) {
            out.writeNumber(number.intValue());
        } else if (node instanceof BooleanNode bool) {
            out.writeBoolean(bool.booleanValue());
        } else {
            node.serialize(out, MAPPER.getSerializerProviderInstance());
        }
    }
}
