package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.testkit.NpmMcpServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, pinned by
 * {@code scripts/mcp-test-servers}) drives {@code picrust mcp conformance-client} through every
 * non-OAuth client scenario; each must pass (the suite also fails a scenario on warnings).
 */
class McpConformanceIT {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"initialize", "tools_call", "elicitation-sep1034-client-defaults", "sse-retry"})
    void clientScenarioPasses(String scenario) throws Exception {
        // The suite splits --command on spaces and appends the server URL; the classpath has no spaces.
        String client = Path.of(System.getProperty("java.home"), "bin", "java") + " -cp "
                + System.getProperty("java.class.path") + " " + Main.class.getName() + " mcp conformance-client";
        List<String> command = new ArrayList<>(NpmMcpServers.conformance());
        command.addAll(List.of("client", "--command", client, "--scenario", scenario,
                "--timeout", "120000", "-o", dir.resolve("results").toString()));
        Process suite = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(suite.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(suite.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(suite.exitValue()).as(output).isZero();
        assertThat(output).contains("OVERALL: PASSED");
    }
}
