package dev.picrust.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picrust.permission.PermissionRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpToolNamesTest {

    @Test
    void namesArePrefixedAndCleanedToTheProviderRule() {
        Map<String, String> names = McpToolNames.forServer("my server.v2", List.of("get-sum", "files/read", "echo"));

        assertThat(names).containsExactly(Map.entry("get-sum", "mcp__my_server_v2__get-sum"),
                Map.entry("files/read", "mcp__my_server_v2__files_read"), Map.entry("echo", "mcp__my_server_v2__echo"));
        assertThat(names.values()).allMatch(n -> n.matches("^[a-zA-Z0-9_-]{1,64}$"));
    }

    @Test
    void serverNamesNeverContainTheSeparator() {
        assertThat(McpToolNames.server("a__b_")).isEqualTo("a_b");
        assertThat(McpToolNames.server("_x")).isEqualTo("x");
        assertThatThrownBy(() -> McpToolNames.server("...")).hasMessageContaining("no usable characters");
    }

    @Test
    void collisionsAreResolvedByOriginalNameWhateverTheListOrder() {
        Map<String, String> one = McpToolNames.forServer("s", List.of("a.b", "a_b", "a b"));
        Map<String, String> other = McpToolNames.forServer("s", List.of("a_b", "a b", "a.b"));

        assertThat(one).isEqualTo(other);
        // sorted originals: "a b" < "a.b" < "a_b"
        assertThat(one).containsEntry("a b", "mcp__s__a_b").containsEntry("a.b", "mcp__s__a_b_2")
                .containsEntry("a_b", "mcp__s__a_b_3");
    }

    @Test
    void longNamesAreCutWithAHashSoTheyStayDistinct() {
        String base = "x".repeat(70);
        Map<String, String> names = McpToolNames.forServer("server", List.of(base + "1", base + "2"));

        assertThat(names.values()).allMatch(n -> n.length() == 64 && n.matches("^[a-zA-Z0-9_-]{1,64}$"))
                .doesNotHaveDuplicates();
        assertThat(names.get(base + "1")).startsWith("mcp__server__xxx");
    }

    @Test
    void permissionRulesForAServerCoverItsToolsAndNoOtherServers() {
        String tool = McpToolNames.forServer("git hub", List.of("create_issue")).get("create_issue");

        assertThat(PermissionRule.parse("mcp__git_hub__*").coversTool(tool)).isTrue();
        assertThat(PermissionRule.parse("mcp__git_hub").coversTool(tool)).isTrue();
        assertThat(PermissionRule.parse("mcp__git_hub__create_*").coversTool(tool)).isTrue();
        assertThat(PermissionRule.parse("mcp__git").coversTool(tool)).isFalse();
        assertThat(PermissionRule.parse("mcp__git_hub__delete_*").coversTool(tool)).isFalse();
    }
}
