package dev.picrust.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No monitor anywhere in the session package: appends park while they wait for the journal, and on
 * JDK 21-23 a virtual thread that parks (or does file I/O) inside {@code synchronized} pins its
 * carrier, which at thousands of agents on a few carriers stalls the runtime. Checked on the
 * compiled classes with {@code javap}, so neither a {@code synchronized} method nor a block slips in.
 */
class SessionPinningTest {

    @Test
    void noClassOfTheSessionPackageUsesAMonitor() throws Exception {
        Optional<ToolProvider> javap = ToolProvider.findFirst("javap");
        assumeTrue(javap.isPresent(), "javap is part of a JDK, not of a runtime image");
        Path classes = Path.of(AgentSession.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/picrust/session");
        List<Path> files;
        try (Stream<Path> list = Files.list(classes)) {
            files = list.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("JsonlAgentSession.class", "HistoryFile.class", "Journal.class", "JsonlSessionStore.class");
        for (Path file : files) {
            StringWriter out = new StringWriter();
            int status = javap.get().run(new PrintWriter(out), new PrintWriter(out), "-c", "-p", file.toString());
            assertThat(status).as(out.toString()).isZero();
            assertThat(out.toString()).as(file.getFileName().toString())
                    .doesNotContain("monitorenter")
                    .doesNotContainPattern("(?m)^\\s*[a-z ]*\\bsynchronized\\b[^;(]*\\(");
        }
    }
}
