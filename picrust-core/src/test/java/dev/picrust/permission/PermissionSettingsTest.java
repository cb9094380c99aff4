package dev.picrust.permission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PermissionSettingsTest {
    @TempDir
    Path root;

    @Test
    void layersMergeRulesAndTheLastModeWins() throws Exception {
        Path home = Files.createDirectories(root.resolve("home"));
        Path project = Files.createDirectories(root.resolve("project/.picrust")).getParent();
        Files.writeString(home.resolve("settings.json"), """
                {"permissions": {"allow": ["Bash(git:*)"], "deny": ["Read(~/.ssh/**)"]}, "permissionMode": "acceptEdits"}
                """);
        Files.writeString(project.resolve(".picrust/settings.json"), """
                {"permissions": {"ask": ["Bash(git push:*)"], "defaultMode": "plan"}}
                """);
        List<Path> files = PermissionSettings.standardFiles(home, project);
        assertThat(files).containsExactly(home.resolve("settings.json"), project.resolve(".picrust/settings.json"),
                project.resolve(".picrust/settings.local.json"));
        PermissionSettings settings = PermissionSettings.load(files);
        assertThat(settings.rules().allow()).extracting(PermissionRule::toString).containsExactly("Bash(git:*)");
        assertThat(settings.rules().ask()).extracting(PermissionRule::toString).containsExactly("Bash(git push:*)");
        assertThat(settings.rules().deny()).extracting(PermissionRule::toString).containsExactly("Read(~/.ssh/**)");
        assertThat(settings.mode()).contains(PermissionMode.PLAN);

        PermissionPolicy policy = PermissionPolicy.inMemory(settings.rules());
        PermissionDecision d = policy.decide(new PermissionQuery("Bash",
                dev.picrust.json.Json.object().put("command", "git push"), false, project, "coder",
                settings.mode().orElseThrow()));
        assertThat(d).isInstanceOf(PermissionDecision.Deny.class);
        assertThat(d.source().detail()).isEqualTo("plan");
    }

    @Test
    void noFilesMeansNoRulesAndNoMode() {
        PermissionSettings settings = PermissionSettings.load(PermissionSettings.standardFiles(root, root));
        assertThat(settings.rules()).isEqualTo(RuleSet.EMPTY);
        assertThat(settings.mode()).isEmpty();
    }

    @Test
    void badRulesAndModesAreErrorsNamingTheFile() throws Exception {
        Path file = root.resolve("settings.json");
        Files.writeString(file, "{\"permissions\": {\"deny\": [\"Bash(rm -rf\"]}}");
        assertThatThrownBy(() -> PermissionSettings.load(List.of(file))).hasMessageContaining(file.toString())
                .hasMessageContaining("must end with ')'");
        Files.writeString(file, "{\"permissionMode\": \"yolo\"}");
        assertThatThrownBy(() -> PermissionSettings.load(List.of(file))).hasMessageContaining("unknown permission mode");
        Files.writeString(file, "{\"permissions\": {\"allow\": \"Bash\"}}");
        assertThatThrownBy(() -> PermissionSettings.load(List.of(file))).hasMessageContaining("must be an array");
        Files.writeString(file, "{");
        assertThatThrownBy(() -> PermissionSettings.load(List.of(file))).hasMessageContaining("not valid JSON");
    }
}
