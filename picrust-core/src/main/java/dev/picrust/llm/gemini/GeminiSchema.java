package dev.picrust.llm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a tool's JSON Schema into the subset Gemini's {@code Schema} object accepts: Gemini answers
 * 400 to {@code additionalProperties}, {@code $schema}, {@code $ref}, {@code const}, string formats
 * other than {@code enum} and {@code date-time}, and other keywords it does not model.
 *
 * <p>Only the keywords Gemini documents survive; {@code properties} is a map of names, so its
 * keys are kept whatever they are called (a property named {@code default} is a property, not a
 * keyword). {@code default} itself is dropped: older Gemini versions reject it. Local {@code $ref}s into {@code $defs}/{@code definitions} are inlined (to a bounded
 * depth, so recursive schemas end), {@code const} becomes a one-value {@code enum}, {@code oneOf}
 * becomes {@code anyOf}, and a type list such as {@code ["string","null"]} becomes the type plus
 * {@code nullable}.
 */
final class GeminiSchema {
    private static final Set<String> KEPT = Set.of("type", "format", "title", "description", "nullable", "enum",
            "maxItems", "minItems", "properties", "required", "minProperties", "maxProperties", "minLength",
            "maxLength", "pattern", "example", "anyOf", "propertyOrdering", "items", "minimum", "maximum");
    private static final Map<String, Set<String>> FORMATS = Map.of(
            "string", Set.of("enum", "date-time"),
            "integer", Set.of("int32", "int64"),
            "number", Set.of("float", "double"));
    private static final int MAX_REF_DEPTH = 8;

    private GeminiSchema() {}

    /** The cleaned schema; empty when nothing is left worth sending (an object without properties). */
    static Optional<ObjectNode> parameters(JsonNode schema) {
        ObjectNode cleaned = clean(schema, schema, 0);
        if (cleaned.path("properties").isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(cleaned);
    }

    static ObjectNode clean(JsonNode schema, JsonNode root, int refDepth) {
        ObjectNode out = Json.object();
        if (!schema.isObject()) {
            return out;
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual()) {
            Optional<JsonNode> target = resolve(ref.asText(), root);
            if (target.isPresent() && refDepth < MAX_REF_DEPTH) {
                ObjectNode inlined = clean(target.get(), root, refDepth + 1);
                if (schema.hasNonNull("description")) {
                    inlined.set("description", schema.get("description"));
                }
                return inlined;
            }
            return out.put("type", "object");
        }
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "type" -> type(value, out);
                case "properties" -> {
                    ObjectNode properties = out.putObject("properties");
                    value.properties().forEach(p -> properties.set(p.getKey(), clean(p.getValue(), root, refDepth)));
                }
                case "items" -> out.set("items", clean(value, root, refDepth));
                case "anyOf", "oneOf" -> {
                    ArrayNode options = out.putArray("anyOf");
                    value.forEach(option -> options.add(clean(option, root, refDepth)));
                }
                case "const" -> {
                    if (value.isTextual()) {
                        out.putArray("enum").add(value);
                    }
                }
                case "enum" -> {
                    // Gemini's enum holds strings only.
                    boolean strings = value.isArray() && !value.isEmpty();
                    for (JsonNode v : value) {
                        strings &= v.isTextual();
                    }
                    if (strings) {
                        out.set("enum", value.deepCopy());
                    }
                }
                default -> {
                    if (KEPT.contains(key)) {
                        out.set(key, value.deepCopy());
                    }
                }
            }
        }
        if (out.has("enum") && !out.has("type")) {
            out.put("type", "string");
        }
        if (out.has("format")) {
            String type = out.path("type").asText("");
            if (!FORMATS.getOrDefault(type, Set.of()).contains(out.path("format").asText())) {
                out.remove("format");
            }
        }
        if (out.has("required") && out.has("properties")) {
            // A required name without a property is a 400.
            ArrayNode required = Json.array();
            out.get("required").forEach(r -> {
                if (out.get("properties").has(r.asText())) {
                    required.add(r);
                }
            });
            out.set("required", required);
        } else {
            out.remove("required");
        }
        return out;
    }

    private static void type(JsonNode value, ObjectNode out) {
        if (value.isTextual()) {
            out.put("type", value.asText());
            return;
        }
        if (value.isArray()) {
            for (JsonNode t : value) {
                if (t.asText().equals("null")) {
                    out.put("nullable", true);
                } else if (!out.has("type")) {
                    out.put("type", t.asText());
                }
            }
        }
    }

    private static Optional<JsonNode> resolve(String ref, JsonNode root) {
        for (String prefix : new String[] {"#/$defs/", "#/definitions/"}) {
            if (ref.startsWith(prefix)) {
                JsonNode target = root.path(prefix.substring(2, prefix.length() - 1)).path(ref.substring(prefix.length()));
                return target.isObject() ? Optional.of(target) : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
