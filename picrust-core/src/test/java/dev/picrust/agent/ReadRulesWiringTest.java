package dev.picrust.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.json.Json;
import dev.picrust.tool.builtin.BuiltinTools;
import dev.picrust.runtime.AgentHandle;
import dev.picrust.runtime.Subscription;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** A real agent's Grep checks its Read rules for every file, session rules included. */
class ReadRulesWiringTest extends LoopTestBase {

    @Test
    void grepInAnAgentSkipsFilesItsReadRulesDeny() throws Exception {
        Files.createDirectories(work.resolve("secrets"));
        Files.writeString(work.resolve("secrets/prod.env"), "TOKEN_VALUE=needle-in-secret\n");
        Files.writeString(work.resolve("readme.txt"), "needle-in-readme\n");
        QueueProvider provider = new QueueProvider()
                .then(r -> toolCalls(call("t1", "Grep", Json.object().put("pattern", "needle")
                        .put("output_mode", "content").toString())))
                .then(r -> text("done"));
        AgentHandle h = runtime.spawn(config(provider, BuiltinTools.all().stream().filter(t -> t.name().equals("Grep")).findFirst().orElseThrow())
                .permissions(Permissions.defaults().deny("Read(secrets/**)")).build(), "grep");
        Subscription sub = h.subscribe();
        h.send("find the needle");
        untilDone(sub);

        String text = result("grep", "t1").text();
        assertThat(text).contains("needle-in-readme").doesNotContain("needle-in-secret")
                .contains("1 file(s) were not searched");
    }
}
