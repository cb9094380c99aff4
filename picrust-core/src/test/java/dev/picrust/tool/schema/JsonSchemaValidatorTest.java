package dev.picrust.tool.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import org.junit.jupiter.api.Test;

class JsonSchemaValidatorTest {
    static final String TODO_SCHEMA = """
            {"type": "object",
             "properties": {
               "todos": {"type": "array", "minItems": 1, "items": {
                 "type": "object",
                 "properties": {
                   "content": {"type": "string", "minLength": 1},
                   "status": {"type": "string", "enum": ["pending", "in_progress", "completed"]}
                 },
                 "required": ["content", "status"],
                 "additionalProperties": false}},
               "limit": {"type": "integer", "minimum": 1, "maximum": 10},
               "note": {"type": "string"}
             },
             "required": ["todos"],
             "additionalProperties": false}
            """;

    static JsonNode json(String text) throws Exception {
        return Json.parse(text);
    }

    static String problem(String schema, String value) throws Exception {
        return JsonSchemaValidator.validate(json(schema), json(value)).orElse("");
    }

    @Test
    void validInputPasses() throws Exception {
        assertThat(JsonSchemaValidator.validate(json(TODO_SCHEMA),
                json("{\"todos\":[{\"content\":\"a\",\"status\":\"pending\"}],\"limit\":3}"))).isEmpty();
    }

    @Test
    void enumViolationNamesTheFieldPath() throws Exception {
        assertThat(problem(TODO_SCHEMA, "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\"},{\"content\":\"b\",\"status\":\"done\"}]}"))
                .isEqualTo("field 'todos[1].status' must be one of [pending, in_progress, completed] (got \"done\")");
    }

    @Test
    void missingRequiredFieldsAreNamed() throws Exception {
        assertThat(problem(TODO_SCHEMA, "{}")).isEqualTo("missing required field 'todos'");
        assertThat(problem(TODO_SCHEMA, "{\"todos\":[{\"content\":\"a\"}]}")).isEqualTo("missing required field 'todos[0].status'");
        assertThat(problem(TODO_SCHEMA, "{\"todos\":null}")).isEqualTo("missing required field 'todos'");
    }

    @Test
    void wrongTypesAreReportedWithWhatWasGiven() throws Exception {
        assertThat(problem(TODO_SCHEMA, "{\"todos\":\"x\"}")).isEqualTo("field 'todos' must be an array, not a string (\"x\")");
        assertThat(problem(TODO_SCHEMA, "[1]")).isEqualTo("input must be an object, not an array");
        assertThat(problem(TODO_SCHEMA, "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\"}],\"limit\":2.5}"))
                .isEqualTo("field 'limit' must be an integer, not a number (2.5)");
    }

    @Test
    void integerAcceptsWholeNumbersWrittenWithAFraction() throws Exception {
        assertThat(problem(TODO_SCHEMA, "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\"}],\"limit\":2.0}")).isEmpty();
    }

    @Test
    void unknownFieldsAreRejectedWhenClosed() throws Exception {
        assertThat(problem(TODO_SCHEMA, "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\",\"id\":1}],\"extra\":true}"))
                .isEqualTo("unknown field 'todos[0].id' (allowed: content, status); unknown field 'extra' (allowed: todos, limit, note)");
    }

    @Test
    void boundsAreChecked() throws Exception {
        assertThat(problem(TODO_SCHEMA, "{\"todos\":[]}")).isEqualTo("field 'todos' must have at least 1 item (got 0)");
        assertThat(problem(TODO_SCHEMA, "{\"todos\":[{\"content\":\"\",\"status\":\"pending\"}]}"))
                .isEqualTo("field 'todos[0].content' must not be empty");
        assertThat(problem(TODO_SCHEMA, "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\"}],\"limit\":11}"))
                .isEqualTo("field 'limit' must be <= 10 (got 11)");
    }

    @Test
    void nullForAnOptionalFieldMeansAbsent() throws Exception {
        assertThat(problem(TODO_SCHEMA, "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\"}],\"note\":null}")).isEmpty();
    }

    @Test
    void anyOfAcceptsAnyBranchAndExplainsTheFirstFailure() throws Exception {
        String schema = "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}";
        assertThat(problem(schema, "\"x\"")).isEmpty();
        assertThat(problem(schema, "3")).isEmpty();
        assertThat(problem(schema, "true")).startsWith("input matches none of the allowed forms");
    }

    @Test
    void unknownKeywordsAndRefsAreIgnored() throws Exception {
        assertThat(problem("{\"$ref\":\"#/defs/x\",\"format\":\"uri\",\"x-custom\":1}", "{\"a\":1}")).isEmpty();
    }

    @Test
    void manyProblemsAreSummarised() throws Exception {
        String value = "{\"todos\":[{},{},{},{}]}";
        assertThat(problem(TODO_SCHEMA, value)).endsWith("and 3 more problem(s)");
    }
}
