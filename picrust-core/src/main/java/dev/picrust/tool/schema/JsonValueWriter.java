package dev.picrust.tool.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON form of a tool method's return value. Records, collections, maps, enums and
 * {@code Optional} are handled here (the shared mapper has no JDK 8 module, and empty Optionals
 * should simply be left out); anything else goes through Jackson.
 */
final class JsonValueWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonValueWriter() {}

    static JsonNode toJson(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case JsonNode node -> node;
            case String s -> NODES.textNode(s);
            case Character c -> NODES.textNode(c.toString());
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Short s -> NODES.numberNode(s);
            case Byte b -> NODES.numberNode(b);
            case Double d -> NODES.numberNode(d);
            case Float f -> NODES.numberNode(f);
            case BigInteger b -> NODES.numberNode(b);
            case BigDecimal b -> NODES.numberNode(b);
            case Enum<?> e -> NODES.textNode(e.name());
            case Optional<?> o -> o.map(JsonValueWriter::toJson).orElse(NODES.nullNode());
            case Collection<?> collection -> {
                ArrayNode array = Json.array();
                collection.forEach(item -> array.add(toJson(item)));
                yield array;
            }
            case Map<?, ?> map -> {
                ObjectNode object = Json.object();
                map.forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
                yield object;
            }
            case Record record -> recordToJson(record);
            default -> value.getClass().isArray() ? arrayToJson(value) : viaJackson(value);
        };
    }

    private static JsonNode recordToJson(Record record) {
        ObjectNode object = Json.object();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            try {
                java.lang.reflect.Method accessor = component.getAccessor();
                accessor.setAccessible(true);
                Object fieldValue = accessor.invoke(record);
                if (fieldValue instanceof Optional<?> o && o.isEmpty()) {
                    continue;
                }
                object.set(component.getName(), toJson(fieldValue));
            } catch (ReflectiveOperationException e) {
                object.put(component.getName(), "<unreadable: " + e.getMessage() + ">");
            }
        }
        return object;
    }

    private static JsonNode arrayToJson(Object array) {
        ArrayNode node = Json.array();
        for (int i = 0; i < Array.getLength(array); i++) {
            node.add(toJson(Array.get(array, i)));
        }
        return node;
    }

    private static JsonNode viaJackson(Object value) {
        try {
            return Json.mapper().valueToTree(value);
        } catch (IllegalArgumentException e) {
            return NODES.textNode(value.toString());
        }
    }
}
