package dev.picrust.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The permission chunk's JSON (docs/OUTPUT.md) is what it was when its fields were strings. */
class PermissionDecidedJsonTest {

    @Test
    void writesTheDocumentedPermissionDecisionObject() throws IOException {
        OutputChunk chunk = new OutputChunk.PermissionDecided("toolu_1", "Bash", PermissionBehavior.DENY,
                DecisionSourceKind.NO_ANSWERER, "nobody can answer");
        assertThat(OutputChunkJson.toJson(chunk)).isEqualTo(Json.parse("""
                {"type":"permission_decision","tool_use_id":"toolu_1","tool_name":"Bash","decision":"deny",
                 "source":"no_answerer","detail":"nobody can answer"}"""));
    }

    @Test
    void wireNamesAreTheOnesDocumented() {
        assertThat(Arrays.stream(DecisionSourceKind.values()).map(DecisionSourceKind::wireName))
                .containsExactly("rule", "mode", "read_only", "default", "hook", "user", "timeout", "no_answerer", "protected",
                        "error");
        assertThat(Arrays.stream(PermissionBehavior.values()).map(PermissionBehavior::wireName))
                .containsExactly("allow", "ask", "deny");
        for (DecisionSourceKind kind : DecisionSourceKind.values()) {
            assertThat(DecisionSourceKind.fromWireName(kind.wireName())).contains(kind);
        }
        assertThat(DecisionSourceKind.fromWireName("rules")).isEmpty();
    }
}
