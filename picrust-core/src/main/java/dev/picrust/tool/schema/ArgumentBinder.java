package dev.picrust.tool.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.tool.ToolException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Converts validated JSON input into the Java values a {@link ToolMethod} takes. */
final class ArgumentBinder {
    private ArgumentBinder() {}

    /** The value for a field; {@code node} is null (or JSON null) when the field was left out. */
    static Object bind(JsonNode node, ValueShape shape, String path) throws ToolException {
        boolean absent = node == null || node.isNull() || node.isMissingNode();
        if (shape instanceof ValueShape.Maybe maybe) {
            return absent ? Optional.empty() : Optional.of(bind(node, maybe.inner(), path));
        }
        if (absent) {
            return absentValue(shape);
        }
        return switch (shape) {
            case ValueShape.Text text -> {
                require(node.isTextual(), path, "a string");
                String s = node.asText();
                if (text.type() == char.class || text.type() == Character.class) {
                    require(s.length() == 1, path, "a single character");
                    yield s.charAt(0);
                }
                yield s;
            }
            case ValueShape.Bool ignored -> {
                require(node.isBoolean(), path, "a boolean");
                yield node.booleanValue();
            }
            case ValueShape.Integral integral -> {
                require(node.isNumber(), path, "an integer");
                yield integral(node, integral.type(), path);
            }
            case ValueShape.Decimal decimal -> {
                require(node.isNumber(), path, "a number");
                Class<?> t = decimal.type();
                if (t == BigDecimal.class) {
                    yield node.decimalValue();
                }
                yield t == float.class || t == Float.class ? (Object) (float) node.doubleValue() : (Object) node.doubleValue();
            }
            case ValueShape.Choice choice -> {
                require(node.isTextual(), path, "a string");
                for (Object constant : choice.enumType().getEnumConstants()) {
                    if (((Enum<?>) constant).name().equals(node.asText())) {
                        yield constant;
                    }
                }
                throw new ToolException(subject(path) + " must be one of " + choice.names());
            }
            case ValueShape.Sequence sequence -> bindSequence(node, sequence, path);
            case ValueShape.Dictionary dictionary -> {
                require(node.isObject(), path, "an object");
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    map.put(entry.getKey(), bind(entry.getValue(), dictionary.value(), path + "." + entry.getKey()));
                }
                yield java.util.Collections.unmodifiableMap(map);
            }
            case ValueShape.Structure structure -> bindRecord(node, structure, path);
            case ValueShape.Maybe maybe -> Optional.of(bind(node, maybe.inner(), path));
            case ValueShape.AnyJson ignored -> node;
        };
    }

    private static Object absentValue(ValueShape shape) {
        Class<?> type = switch (shape) {
            case ValueShape.Bool b -> b.type();
            case ValueShape.Integral i -> i.type();
            case ValueShape.Decimal d -> d.type();
            case ValueShape.Text t -> t.type();
            default -> Object.class;
        };
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        return integralOrDecimalZero(type);
    }

    private static Object integralOrDecimalZero(Class<?> type) {
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == float.class) {
            return 0f;
        }
        return 0d;
    }

    private static Object integral(JsonNode node, Class<?> type, String path) throws ToolException {
        BigDecimal decimal = node.decimalValue();
        BigInteger value;
        try {
            value = decimal.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new ToolException(subject(path) + " must be a whole number (got " + node.asText() + ")");
        }
        if (type == BigInteger.class) {
            return value;
        }
        try {
            if (type == long.class || type == Long.class) {
                return value.longValueExact();
            }
            if (type == int.class || type == Integer.class) {
                return value.intValueExact();
            }
            if (type == short.class || type == Short.class) {
                return value.shortValueExact();
            }
            return value.byteValueExact();
        } catch (ArithmeticException e) {
            throw new ToolException(subject(path) + " is out of range (got " + node.asText() + ")");
        }
    }

    private static Object bindSequence(JsonNode node, ValueShape.Sequence sequence, String path) throws ToolException {
        require(node.isArray(), path, "an array");
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            items.add(bind(node.get(i), sequence.element(), path + "[" + i + "]"));
        }
        Class<?> container = sequence.container();
        if (container.isArray()) {
            Object array = Array.newInstance(container.getComponentType(), items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(array, i, items.get(i));
            }
            return array;
        }
        if (container == java.util.Set.class) {
            return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(items));
        }
        return java.util.Collections.unmodifiableList(items);
    }

    private static Object bindRecord(JsonNode node, ValueShape.Structure structure, String path) throws ToolException {
        require(node.isObject(), path, "an object");
        List<ValueShape.Field> fields = structure.fields();
        Object[] values = new Object[fields.size()];
        Class<?>[] types = new Class<?>[fields.size()];
        java.lang.reflect.RecordComponent[] components = structure.recordType().getRecordComponents();
        for (int i = 0; i < fields.size(); i++) {
            ValueShape.Field field = fields.get(i);
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            JsonNode value = node.get(field.name());
            if (field.required() && (value == null || value.isNull())) {
                throw new ToolException("missing required field '" + fieldPath + "'");
            }
            values[i] = bind(value, field.shape(), fieldPath);
            types[i] = components[i].getType();
        }
        try {
            Constructor<?> constructor = structure.recordType().getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            // The record's compact constructor rejected the value: that is the model's input problem.
            Throwable cause = e.getCause();
            throw new ToolException(subject(path) + " is invalid: " + (cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : cause.getMessage()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + structure.recordType().getName(), e);
        }
    }

    private static void require(boolean ok, String path, String what) throws ToolException {
        if (!ok) {
            throw new ToolException(subject(path) + " must be " + what);
        }
    }

    private static String subject(String path) {
        return path.isEmpty() ? "input" : "field '" + path + "'";
    }
}
