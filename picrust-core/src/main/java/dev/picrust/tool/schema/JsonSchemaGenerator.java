package dev.picrust.tool.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.lang.reflect.Type;
import java.util.List;

/**
 * JSON Schema for Java types: strings, booleans, integers, numbers, enums (string enums of the
 * constant names), lists/sets/arrays, {@code Map<String, T>}, records (objects with
 * {@code additionalProperties: false}; components are required unless {@code Optional} or
 * {@code @Param(required = false)}), {@code Optional<T>} and {@code JsonNode} (any value).
 */
final class JsonSchemaGenerator {
    private JsonSchemaGenerator() {}

    /** The schema of values of {@code type}. */
    public static ObjectNode schemaFor(Type type) {
        return schemaOf(ValueShape.of(type));
    }

    static ObjectNode schemaOf(ValueShape shape) {
        ObjectNode schema = Json.object();
        switch (shape) {
            case ValueShape.Text text -> {
                schema.put("type", "string");
                if (text.type() == char.class || text.type() == Character.class) {
                    schema.put("minLength", 1);
                    schema.put("maxLength", 1);
                }
            }
            case ValueShape.Bool ignored -> schema.put("type", "boolean");
            case ValueShape.Integral integral -> {
                schema.put("type", "integer");
                Class<?> t = integral.type();
                if (t == int.class || t == Integer.class) {
                    schema.put("minimum", Integer.MIN_VALUE);
                    schema.put("maximum", Integer.MAX_VALUE);
                } else if (t == short.class || t == Short.class) {
                    schema.put("minimum", Short.MIN_VALUE);
                    schema.put("maximum", Short.MAX_VALUE);
                } else if (t == byte.class || t == Byte.class) {
                    schema.put("minimum", Byte.MIN_VALUE);
                    schema.put("maximum", Byte.MAX_VALUE);
                }
            }
            case ValueShape.Decimal ignored -> schema.put("type", "number");
            case ValueShape.Choice choice -> {
                schema.put("type", "string");
                ArrayNode values = schema.putArray("enum");
                choice.names().forEach(values::add);
            }
            case ValueShape.Sequence sequence -> {
                schema.put("type", "array");
                schema.set("items", schemaOf(sequence.element()));
                if (sequence.container() == java.util.Set.class) {
                    schema.put("uniqueItems", true);
                }
            }
            case ValueShape.Dictionary dictionary -> {
                schema.put("type", "object");
                schema.set("additionalProperties", schemaOf(dictionary.value()));
            }
            case ValueShape.Structure structure -> schema.setAll(objectSchema(structure.fields()));
            case ValueShape.Maybe maybe -> schema.setAll(schemaOf(maybe.inner()));
            case ValueShape.AnyJson ignored -> {
                // An empty schema accepts any JSON value.
            }
        }
        return schema;
    }

    /** An object schema with one property per field, closed to unknown properties. */
    static ObjectNode objectSchema(List<ValueShape.Field> fields) {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = Json.array();
        for (ValueShape.Field field : fields) {
            ObjectNode property = schemaOf(field.shape());
            if (!field.description().isEmpty()) {
                property.put("description", field.description());
            }
            properties.set(field.name(), property);
            if (field.required()) {
                required.add(field.name());
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }
}
