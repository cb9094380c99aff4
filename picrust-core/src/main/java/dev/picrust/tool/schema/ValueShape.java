package dev.picrust.tool.schema;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON shape of a Java type used as a tool parameter: one classification shared by schema
 * generation ({@link JsonSchemaGenerator}) and argument binding ({@link ArgumentBinder}), so the
 * schema the model sees and the values the method receives cannot disagree.
 */
sealed interface ValueShape {

    /** {@code String}, {@code CharSequence}, {@code char}/{@code Character}. */
    record Text(Class<?> type) implements ValueShape {}

    record Bool(Class<?> type) implements ValueShape {}

    /** {@code byte}..{@code long}, their boxes, {@code BigInteger}. */
    record Integral(Class<?> type) implements ValueShape {}

    /** {@code float}, {@code double}, their boxes, {@code BigDecimal}. */
    record Decimal(Class<?> type) implements ValueShape {}

    record Choice(Class<?> enumType) implements ValueShape {
        List<String> names() {
            return java.util.Arrays.stream(enumType.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList();
        }
    }

    /** A {@code List}, {@code Set}, {@code Collection} or array. */
    record Sequence(ValueShape element, Class<?> container) implements ValueShape {}

    /** {@code Map<String, V>}. */
    record Dictionary(ValueShape value) implements ValueShape {}

    /** A record: a nested object with one field per component. */
    record Structure(Class<?> recordType, List<Field> fields) implements ValueShape {}

    /** {@code Optional<T>}: the field may be left out. */
    record Maybe(ValueShape inner) implements ValueShape {}

    /** {@code JsonNode}: anything, passed through. */
    record AnyJson() implements ValueShape {}

    /** One field of a {@link Structure} or one tool parameter. */
    record Field(String name, String description, boolean required, ValueShape shape) {}

    static ValueShape of(Type type) {
        return of(type, new HashSet<>());
    }

    private static ValueShape of(Type type, Set<Class<?>> enclosingRecords) {
        if (type instanceof WildcardType wildcard) {
            return of(wildcard.getUpperBounds()[0], enclosingRecords);
        }
        if (type instanceof GenericArrayType array) {
            Type component = array.getGenericComponentType();
            return new Sequence(of(component, enclosingRecords), rawClass(component).arrayType());
        }
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            Type[] args = parameterized.getActualTypeArguments();
            if (raw == Optional.class) {
                return new Maybe(of(args[0], enclosingRecords));
            }
            if (raw == List.class || raw == Set.class || raw == Collection.class) {
                return new Sequence(of(args[0], enclosingRecords), raw);
            }
            if (raw == Map.class) {
                if (args[0] != String.class) {
                    throw new IllegalArgumentException("map keys must be String, not " + args[0].getTypeName());
                }
                return new Dictionary(of(args[1], enclosingRecords));
            }
            throw unsupported(type);
        }
        if (!(type instanceof Class<?> c)) {
            throw unsupported(type);
        }
        if (c == String.class || c == CharSequence.class || c == char.class || c == Character.class) {
            return new Text(c);
        }
        if (c == boolean.class || c == Boolean.class) {
            return new Bool(c);
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class || c == short.class
                || c == Short.class || c == byte.class || c == Byte.class || c == BigInteger.class) {
            return new Integral(c);
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class
                || c == BigDecimal.class) {
            return new Decimal(c);
        }
        if (c.isEnum()) {
            return new Choice(c);
        }
        if (c.isArray()) {
            return new Sequence(of(c.getComponentType(), enclosingRecords), c);
        }
        if (com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(c)) {
            return new AnyJson();
        }
        if (c.isRecord()) {
            if (!enclosingRecords.add(c)) {
                throw new IllegalArgumentException("recursive record types are not supported: " + c.getName());
            }
            List<Field> fields = new ArrayList<>();
            for (RecordComponent component : c.getRecordComponents()) {
                fields.add(field(component.getName(), component.getAnnotation(Param.class),
                        of(component.getGenericType(), enclosingRecords)));
            }
            enclosingRecords.remove(c);
            return new Structure(c, List.copyOf(fields));
        }
        if (c == Optional.class || c == List.class || c == Set.class || c == Collection.class || c == Map.class) {
            throw new IllegalArgumentException(c.getSimpleName() + " needs a type argument (raw types carry no schema)");
        }
        throw unsupported(type);
    }

    /** A field for a parameter or record component; {@code Optional} and {@code required=false} make it optional. */
    static Field field(String javaName, Param param, ValueShape shape) {
        String name = param != null && !param.name().isEmpty() ? param.name() : javaName;
        String description = param != null ? param.description() : "";
        boolean required = !(shape instanceof Maybe) && (param == null || param.required());
        return new Field(name, description, required, shape);
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof GenericArrayType g) {
            return rawClass(g.getGenericComponentType()).arrayType();
        }
        return Object.class;
    }

    private static IllegalArgumentException unsupported(Type type) {
        return new IllegalArgumentException("unsupported tool parameter type " + type.getTypeName()
                + " (use String, primitives and their boxes, enums, List/Set/arrays, Map<String, T>, records,"
                + " Optional or JsonNode)");
    }
}
