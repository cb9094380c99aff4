package dev.picrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picrust.testkit.MockLlmServer;
import dev.picrust.testkit.ServerStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code picrust run --verbose / --debug}: a line per request on stderr, bodies in the session's debug/ folder, no key anywhere. */
class RequestLogIT {
    /** Shaped like no provider key: only the provider knowing it can hide it. */
    static final String KEY = "plain-cli-debug-key-0123456789abcdef";

    @TempDir Path dir;
    MockLlmServer server;

    @BeforeEach
    void start() throws Exception {
        server = MockLlmServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CliProcess run(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--sessions-dir", dir.resolve("sessions").toString(),
                "--cwd", dir.toString(), "--session-id", "logged"));
        args.addAll(List.of(flags));
        args.add("my key is " + KEY);
        return CliProcess.start(dir, Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", server.baseUrl()),
                args.toArray(String[]::new));
    }

    @Test
    void verbosePrintsOneLinePerRequest() throws Exception {
        server.enqueue(ServerStep.text("hello"));
        CliProcess cli = run("--verbose");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        String err = cli.stderr.get();
        assertThat(err.lines().filter(l -> l.contains(" -> ")).toList()).singleElement().asString()
                .matches("picrust: \\[1] Anthropic POST http://127\\.0\\.0\\.1:\\d+/v1/messages -> 200 in \\d+ ms, "
                        + "\\d+ tokens in, \\d+ out, stop end_turn");
        assertThat(dir.resolve("sessions/logged/debug")).doesNotExist();
        assertThat(err).doesNotContain(KEY);
    }

    @Test
    void debugWritesRedactedBodiesToTheSessionFolderAndStderr() throws Exception {
        server.enqueue(ServerStep.text("you said " + KEY));
        CliProcess cli = run("--debug");
        List<String> out = new ArrayList<>();
        assertThat(cli.finish(out)).as(cli.stderr.get()).isZero();
        Path debug = dir.resolve("sessions/logged/debug");
        List<Path> files;
        try (Stream<Path> list = Files.list(debug)) {
            files = list.sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("0001-request.txt", "0001-response.txt");
        assertThat(Files.readString(files.get(0))).contains("x-api-key: [REDACTED]").contains("my key is [REDACTED]");
        // The mock streams the echo in pieces: no piece is the whole key, so none is masked, and the key is not there.
        assertThat(Files.readString(files.get(1))).startsWith("HTTP 200").contains("event: message_start");
        for (Path f : files) {
            assertThat(Files.readString(f)).as(f.toString()).doesNotContain(KEY);
        }
        String err = cli.stderr.get();
        assertThat(err).contains("[1] request POST").contains("[1] response HTTP 200").doesNotContain(KEY);
    }
}
