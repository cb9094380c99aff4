package dev.picrust.tool.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.tool.TestToolContext;
import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolContext;
import dev.picrust.tool.ToolException;
import dev.picrust.tool.ToolRegistry;
import dev.picrust.tool.ToolResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotatedToolsTest {
    @TempDir
    Path temp;

    enum Priority { LOW, HIGH }

    record Task(@Param(description = "What to do") String title, Priority priority, Optional<Integer> estimate) {}

    record Summary(int count, List<String> titles, Optional<String> note) {}

    static class Planner {
        String lastCity;

        @ToolMethod(description = "Plans tasks", readOnly = true)
        public Summary plan(@Param(description = "The tasks") List<Task> tasks,
                            @Param(description = "Only high priority") boolean urgentOnly,
                            Optional<String> owner,
                            Map<String, Integer> weights,
                            Set<String> tags,
                            int[] slots) {
            List<String> titles = tasks.stream()
                    .filter(t -> !urgentOnly || t.priority() == Priority.HIGH)
                    .map(t -> t.title() + t.estimate().map(e -> "(" + e + ")").orElse(""))
                    .toList();
            return new Summary(titles.size() + weights.size() + tags.size() + slots.length, titles, owner);
        }

        @ToolMethod(name = "weather_now", description = "Current weather")
        String weather(@Param(description = "City") String city, ToolContext context) {
            lastCity = city;
            return "Sunny in " + city + " for " + context.sessionId();
        }

        @ToolMethod(description = "Always fails with a tool error")
        String refuse() throws ToolException {
            throw new ToolException("cannot do that");
        }

        @ToolMethod(description = "Crashes")
        String crash() {
            throw new IllegalStateException("boom");
        }

        @ToolMethod(description = "Returns a result as is")
        ToolResult raw(@Param(description = "n", required = false) Integer n, @Param(description = "m", required = false) long m) {
            return ToolResult.error("raw " + n + " " + m);
        }

        @ToolMethod(description = "Does something")
        void touch() {
        }

        public String notATool() {
            return "";
        }
    }

    static Tool named(List<Tool> tools, String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyAnnotatedMethodBecomesATool() {
        List<Tool> tools = AnnotatedTools.from(new Planner());
        assertThat(tools).extracting(Tool::name).containsExactly("crash", "plan", "raw", "refuse", "touch", "weather_now");
        assertThat(named(tools, "plan").readOnly()).isTrue();
        assertThat(named(tools, "plan").concurrencySafe()).isTrue();
        assertThat(named(tools, "crash").readOnly()).isFalse();
        new ToolRegistry().registerAll(tools); // names are valid for the registry
    }

    @Test
    void schemaIsGeneratedFromParameterTypes() throws Exception {
        JsonNode schema = named(AnnotatedTools.from(new Planner()), "plan").inputSchema();
        JsonNode expected = Json.parse("""
                {"type":"object","properties":{
                  "tasks":{"type":"array","items":{"type":"object","properties":{
                      "title":{"type":"string","description":"What to do"},
                      "priority":{"type":"string","enum":["LOW","HIGH"]},
                      "estimate":{"type":"integer","minimum":-2147483648,"maximum":2147483647}},
                    "required":["title","priority"],"additionalProperties":false},
                    "description":"The tasks"},
                  "urgentOnly":{"type":"boolean","description":"Only high priority"},
                  "owner":{"type":"string"},
                  "weights":{"type":"object","additionalProperties":{"type":"integer","minimum":-2147483648,"maximum":2147483647}},
                  "tags":{"type":"array","items":{"type":"string"},"uniqueItems":true},
                  "slots":{"type":"array","items":{"type":"integer","minimum":-2147483648,"maximum":2147483647}}},
                 "required":["tasks","urgentOnly","weights","tags","slots"],
                 "additionalProperties":false}
                """);
        assertThat(schema).isEqualTo(expected);
    }

    @Test
    void contextParametersAreInjectedAndHiddenFromTheSchema() throws Exception {
        Planner planner = new Planner();
        Tool weather = named(AnnotatedTools.from(planner), "weather_now");
        assertThat(weather.inputSchema().path("properties").has("context")).isFalse();
        ToolResult result = TestToolContext.in(temp).run(weather, "{\"city\":\"Oslo\"}");
        assertThat(result.isError()).isFalse();
        assertThat(result.text()).isEqualTo("Sunny in Oslo for test-session");
        assertThat(planner.lastCity).isEqualTo("Oslo");
    }

    @Test
    void argumentsAreBoundAndRecordResultsBecomeJson() throws Exception {
        Tool plan = named(AnnotatedTools.from(new Planner()), "plan");
        ToolResult result = TestToolContext.in(temp).run(plan, """
                {"tasks":[{"title":"a","priority":"HIGH","estimate":3},{"title":"b","priority":"LOW"}],
                 "urgentOnly":true,"weights":{"x":1},"tags":["t"],"slots":[1,2]}
                """);
        assertThat(result.isError()).isFalse();
        assertThat(Json.parse(result.text())).isEqualTo(Json.parse("{\"count\":5,\"titles\":[\"a(3)\"]}"));
    }

    @Test
    void invalidInputIsAnErrorNamingTheField() throws Exception {
        Tool plan = named(AnnotatedTools.from(new Planner()), "plan");
        ToolResult result = TestToolContext.in(temp).run(plan, """
                {"tasks":[{"title":"a","priority":"URGENT"}],"urgentOnly":true,"weights":{},"tags":[],"slots":[]}
                """);
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).isEqualTo(
                "Invalid input for tool plan: field 'tasks[0].priority' must be one of [LOW, HIGH] (got \"URGENT\")");
        assertThat(ToolInputValidation.validate(plan, Json.parse("{}")).orElseThrow())
                .startsWith("Invalid input for tool plan: missing required field 'tasks'");
    }

    @Test
    void exceptionsBecomeErrorResults() throws Exception {
        List<Tool> tools = AnnotatedTools.from(new Planner());
        TestToolContext context = TestToolContext.in(temp);
        ToolResult refused = context.run(named(tools, "refuse"), "{}");
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).isEqualTo("cannot do that");
        ToolResult crashed = context.run(named(tools, "crash"), "{}");
        assertThat(crashed.isError()).isTrue();
        assertThat(crashed.text()).isEqualTo("Tool crash failed: IllegalStateException: boom");
    }

    @Test
    void optionalParametersArriveAsNullOrZeroAndToolResultsPassThrough() throws Exception {
        List<Tool> tools = AnnotatedTools.from(new Planner());
        TestToolContext context = TestToolContext.in(temp);
        ToolResult raw = context.run(named(tools, "raw"), "{}");
        assertThat(raw.isError()).isTrue();
        assertThat(raw.text()).isEqualTo("raw null 0");
        assertThat(named(tools, "raw").inputSchema().has("required")).isFalse();
        assertThat(context.run(named(tools, "touch"), "{}").text()).isEqualTo("Done.");
    }

    @Test
    void misuseIsReportedWhenRegistering() {
        assertThatThrownBy(() -> AnnotatedTools.from(new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no @ToolMethod");
        assertThatThrownBy(() -> AnnotatedTools.from(new Object() {
            @ToolMethod(description = "bad")
            String bad(Object anything) {
                return "";
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported tool parameter type java.lang.Object");
        assertThatThrownBy(() -> AnnotatedTools.from(new Object() {
            @ToolMethod(name = "has space", description = "bad")
            String bad() {
                return "";
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid tool name");
    }

    record Node(String name, List<Node> children) {}

    @Test
    void recursiveRecordsAreRejected() {
        assertThatThrownBy(() -> JsonSchemaGenerator.schemaFor(Node.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recursive");
    }
}
