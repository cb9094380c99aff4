package dev.picrust.tool.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.tool.Tool;
import dev.picrust.tool.ToolRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BuiltinToolsTest {

    @Test
    void theNineToolsAndTheirCompanionsAreThere() {
        assertThat(BuiltinTools.names()).containsExactly("Bash", "BashOutput", "KillBash", "Read", "Write", "Edit",
                "MultiEdit", "Glob", "Grep", "TodoWrite", "PresentFile", "AskUserQuestion");
        new ToolRegistry().registerAll(BuiltinTools.all());
    }

    @Test
    void onlyReadGlobAndGrepRunInParallel() {
        Map<String, Boolean> safe = BuiltinTools.all().stream()
                .collect(Collectors.toMap(Tool::name, Tool::concurrencySafe));
        assertThat(safe).containsEntry("Read", true).containsEntry("Glob", true).containsEntry("Grep", true)
                .containsEntry("Write", false).containsEntry("Edit", false).containsEntry("MultiEdit", false)
                .containsEntry("Bash", false).containsEntry("TodoWrite", false).containsEntry("AskUserQuestion", false);
    }

    @Test
    void schemasAreClosedObjectsWithDescriptions() {
        for (Tool tool : BuiltinTools.all()) {
            assertThat(tool.inputSchema().path("type").asText()).as(tool.name()).isEqualTo("object");
            assertThat(tool.inputSchema().path("additionalProperties").asBoolean(true)).as(tool.name()).isFalse();
            assertThat(tool.inputSchema().path("required").isArray()).as(tool.name()).isTrue();
            assertThat(tool.description()).as(tool.name()).isNotBlank();
        }
    }

    @Test
    void schemasKeepTheNamesModelsAreTrainedOn() {
        Map<String, List<String>> fields = BuiltinTools.all().stream().collect(Collectors.toMap(Tool::name,
                t -> { List<String> names = new java.util.ArrayList<>();
                    t.inputSchema().path("properties").fieldNames().forEachRemaining(names::add);
                    return names; }));
        assertThat(fields.get("Bash")).containsExactly("command", "timeout", "description", "run_in_background");
        assertThat(fields.get("Read")).containsExactly("file_path", "offset", "limit");
        assertThat(fields.get("Write")).containsExactly("file_path", "content");
        assertThat(fields.get("Edit")).containsExactly("file_path", "old_string", "new_string", "replace_all");
        assertThat(fields.get("Glob")).containsExactly("pattern", "path");
        assertThat(fields.get("Grep")).containsExactly("pattern", "path", "glob", "type", "output_mode", "-i", "-n",
                "-A", "-B", "-C", "multiline", "head_limit", "offset");
        assertThat(fields.get("TodoWrite")).containsExactly("todos");
        assertThat(fields.get("PresentFile")).containsExactly("file_path", "file_name", "description");
        assertThat(fields.get("AskUserQuestion")).containsExactly("questions");
    }
}
