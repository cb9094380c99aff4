package dev.picrust.tool.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a JSON value against the subset of JSON Schema that tool schemas use: {@code type}
 * (one or a list), {@code enum}, {@code const}, {@code properties}, {@code required},
 * {@code additionalProperties} (false or a schema), {@code items}, {@code minItems}/{@code maxItems},
 * {@code uniqueItems}, {@code minLength}/{@code maxLength}, {@code pattern},
 * {@code minimum}/{@code maximum} and their exclusive forms, {@code anyOf}/{@code oneOf}/{@code allOf}.
 * Unknown keywords (and {@code $ref}) are ignored, so schemas from MCP servers never reject input
 * because of a feature this checker lacks.
 *
 * <p>A {@code null} value for a property that is not required counts as absent: models often send
 * {@code "offset": null} for "not given".
 *
 * <p>Messages name the field by path, e.g. {@code field 'todos[0].status' must be one of [pending,
 * in_progress, completed] (got "done")}.
 */
final class JsonSchemaValidator {
    private static final int MAX_REPORTED = 5;

    private JsonSchemaValidator() {}

    /** The problems with {@code value}, joined by "; ", or empty if it conforms. */
    public static Optional<String> validate(JsonNode schema, JsonNode value) {
        List<String> errors = errors(schema, value);
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        List<String> shown = errors.size() > MAX_REPORTED ? errors.subList(0, MAX_REPORTED) : errors;
        String joined = String.join("; ", shown);
        if (errors.size() > MAX_REPORTED) {
            joined += "; and " + (errors.size() - MAX_REPORTED) + " more problem(s)";
        }
        return Optional.of(joined);
    }

    /** Every problem found, in document order. */
    public static List<String> errors(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "", errors);
        return errors;
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
        if (schema == null || !schema.isObject()) {
            return; // true/absent schemas accept anything
        }
        JsonNode type = schema.get("type");
        if (type != null && !matchesType(type, value)) {
            errors.add(subject(path) + " must be " + describeType(type) + ", not " + describeValue(value));
            return;
        }
        JsonNode allowed = schema.get("enum");
        if (allowed != null && allowed.isArray() && !contains(allowed, value)) {
            errors.add(subject(path) + " must be one of " + listValues(allowed) + " (got " + brief(value) + ")");
            return;
        }
        JsonNode constant = schema.get("const");
        if (constant != null && !constant.equals(value)) {
            errors.add(subject(path) + " must be " + brief(constant) + " (got " + brief(value) + ")");
            return;
        }
        switch (value.getNodeType()) {
            case OBJECT -> checkObject(schema, value, path, errors);
            case ARRAY -> checkArray(schema, value, path, errors);
            case STRING -> checkString(schema, value.asText(), path, errors);
            case NUMBER -> checkNumber(schema, value, path, errors);
            default -> {
            }
        }
        checkCombinators(schema, value, path, errors);
    }

    private static void checkObject(JsonNode schema, JsonNode value, String path, List<String> errors) {
        JsonNode properties = schema.path("properties");
        Set<String> required = new HashSet<>();
        for (JsonNode name : schema.path("required")) {
            required.add(name.asText());
        }
        for (JsonNode name : schema.path("required")) {
            JsonNode present = value.get(name.asText());
            if (present == null || present.isNull() && !allowsNull(properties.get(name.asText()))) {
                errors.add("missing required field '" + join(path, name.asText()) + "'");
            }
        }
        JsonNode additional = schema.get("additionalProperties");
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode fieldValue = field.getValue();
            JsonNode propertySchema = properties.get(name);
            if (propertySchema != null) {
                if (fieldValue.isNull() && !required.contains(name)) {
                    continue; // null for an optional field means "not given"
                }
                if (!(fieldValue.isNull() && required.contains(name) && !allowsNull(propertySchema))) {
                    check(propertySchema, fieldValue, join(path, name), errors);
                }
            } else if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
                List<String> known = new ArrayList<>();
                properties.fieldNames().forEachRemaining(known::add);
                errors.add("unknown field '" + join(path, name) + "'"
                        + (known.isEmpty() ? "" : " (allowed: " + String.join(", ", known) + ")"));
            } else if (additional != null && additional.isObject()) {
                check(additional, fieldValue, join(path, name), errors);
            }
        }
    }

    private static void checkArray(JsonNode schema, JsonNode value, String path, List<String> errors) {
        int size = value.size();
        JsonNode min = schema.get("minItems");
        if (min != null && min.isNumber() && size < min.asLong()) {
            errors.add(subject(path) + " must have at least " + min.asLong() + " item" + plural(min.asLong())
                    + " (got " + size + ")");
        }
        JsonNode max = schema.get("maxItems");
        if (max != null && max.isNumber() && size > max.asLong()) {
            errors.add(subject(path) + " must have at most " + max.asLong() + " item" + plural(max.asLong())
                    + " (got " + size + ")");
        }
        if (schema.path("uniqueItems").asBoolean(false)) {
            Set<JsonNode> seen = new HashSet<>();
            for (JsonNode item : value) {
                if (!seen.add(item)) {
                    errors.add(subject(path) + " must not contain duplicates (" + brief(item) + " repeats)");
                    break;
                }
            }
        }
        JsonNode items = schema.get("items");
        if (items != null && items.isObject()) {
            for (int i = 0; i < size; i++) {
                check(items, value.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private static void checkString(JsonNode schema, String text, String path, List<String> errors) {
        long length = text.codePointCount(0, text.length());
        JsonNode min = schema.get("minLength");
        if (min != null && min.isNumber() && length < min.asLong()) {
            errors.add(min.asLong() == 1 ? subject(path) + " must not be empty"
                    : subject(path) + " must be at least " + min.asLong() + " characters long (got " + length + ")");
        }
        JsonNode max = schema.get("maxLength");
        if (max != null && max.isNumber() && length > max.asLong()) {
            errors.add(subject(path) + " must be at most " + max.asLong() + " characters long (got " + length + ")");
        }
        JsonNode pattern = schema.get("pattern");
        if (pattern != null && pattern.isTextual()) {
            try {
                if (!Pattern.compile(pattern.asText()).matcher(text).find()) {
                    errors.add(subject(path) + " must match the pattern " + pattern.asText());
                }
            } catch (PatternSyntaxException ignored) {
                // A schema pattern Java cannot compile is the schema author's problem, not the model's.
            }
        }
    }

    private static void checkNumber(JsonNode schema, JsonNode value, String path, List<String> errors) {
        double number = value.asDouble();
        JsonNode minimum = schema.get("minimum");
        if (minimum != null && minimum.isNumber() && number < minimum.asDouble()) {
            errors.add(subject(path) + " must be >= " + minimum.asText() + " (got " + value.asText() + ")");
        }
        JsonNode maximum = schema.get("maximum");
        if (maximum != null && maximum.isNumber() && number > maximum.asDouble()) {
            errors.add(subject(path) + " must be <= " + maximum.asText() + " (got " + value.asText() + ")");
        }
        JsonNode exclusiveMinimum = schema.get("exclusiveMinimum");
        if (exclusiveMinimum != null && exclusiveMinimum.isNumber() && number <= exclusiveMinimum.asDouble()) {
            errors.add(subject(path) + " must be > " + exclusiveMinimum.asText() + " (got " + value.asText() + ")");
        }
        JsonNode exclusiveMaximum = schema.get("exclusiveMaximum");
        if (exclusiveMaximum != null && exclusiveMaximum.isNumber() && number >= exclusiveMaximum.asDouble()) {
            errors.add(subject(path) + " must be < " + exclusiveMaximum.asText() + " (got " + value.asText() + ")");
        }
    }

    private static void checkCombinators(JsonNode schema, JsonNode value, String path, List<String> errors) {
        for (JsonNode branch : schema.path("allOf")) {
            check(branch, value, path, errors);
        }
        for (String keyword : List.of("anyOf", "oneOf")) {
            JsonNode branches = schema.get(keyword);
            if (branches == null || !branches.isArray() || branches.isEmpty()) {
                continue;
            }
            // oneOf is checked like anyOf: telling the model that two shapes matched helps nobody.
            List<String> firstBranchErrors = null;
            boolean matched = false;
            for (JsonNode branch : branches) {
                List<String> branchErrors = errors(branch, value, path);
                if (branchErrors.isEmpty()) {
                    matched = true;
                    break;
                }
                if (firstBranchErrors == null) {
                    firstBranchErrors = branchErrors;
                }
            }
            if (!matched) {
                errors.add(subject(path) + " matches none of the allowed forms (first: "
                        + String.join("; ", firstBranchErrors) + ")");
            }
        }
    }

    private static List<String> errors(JsonNode schema, JsonNode value, String path) {
        List<String> errors = new ArrayList<>();
        check(schema, value, path, errors);
        return errors;
    }

    private static boolean matchesType(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode one : type) {
                if (matchesType(one.asText(), value)) {
                    return true;
                }
            }
            return false;
        }
        return matchesType(type.asText(), value);
    }

    private static boolean matchesType(String type, JsonNode value) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber()
                    || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
            default -> true;
        };
    }

    private static boolean allowsNull(JsonNode propertySchema) {
        if (propertySchema == null) {
            return true;
        }
        JsonNode type = propertySchema.get("type");
        return type == null || matchesType(type, com.fasterxml.jackson.databind.node.NullNode.instance);
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode candidate : array) {
            if (candidate.equals(value)
                    || candidate.isNumber() && value.isNumber() && candidate.decimalValue().compareTo(value.decimalValue()) == 0) {
                return true;
            }
        }
        return false;
    }

    private static String subject(String path) {
        return path.isEmpty() ? "input" : "field '" + path + "'";
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String describeType(JsonNode type) {
        if (type.isArray()) {
            List<String> names = new ArrayList<>();
            type.forEach(t -> names.add(article(t.asText())));
            return String.join(" or ", names);
        }
        return article(type.asText());
    }

    private static String article(String type) {
        return switch (type) {
            case "object", "array", "integer" -> "an " + type;
            case "null" -> "null";
            default -> "a " + type;
        };
    }

    private static String describeValue(JsonNode value) {
        JsonNodeType type = value.getNodeType();
        return switch (type) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string (" + brief(value) + ")";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number (" + value.asText() + ")";
            case NULL -> "null";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String listValues(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
        return values.toString();
    }

    private static String brief(JsonNode value) {
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }
}
