package dev.picrust.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link Json}'s own tree reader and writer against what an {@link ObjectMapper} made of the same text. */
class JsonParseTest {
    /** The mapper configuration {@code Json.parse} used before it read trees itself. */
    private static final ObjectMapper ORACLE = new ObjectMapper(Json.FACTORY)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private static final List<String> DOCUMENTS = List.of(
            "{}", "[]", "0", "-0", "1.0", "1.50", "-3e5", "1E-7", "12345678901234567890", "-9223372036854775809",
            "2147483648", "-2147483648", "9223372036854775807", "3.141592653589793238462643383279",
            "\"x\"", "\"\"", "true", "false", "null", "  {\"a\" : 1 }  \n",
            "{\"a\":1,\"a\":[2],\"b\":{\"a\":3},\"a\":{\"c\":null}}",
            "{\"s\":\"t\\u00e9xt \\\"q\\\" \\n \\u2028 \\ud83d\\ude00\",\"e\":\"\",\"u\":\"\u00e9\u4e2d\"}",
            "[1,[2,[3,[4,[]]]],{\"k\":[true,false,null]},-1.5e300,1e-320]",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}");

    @Test
    void readsEveryDocumentAsTheMapperDid() throws IOException {
        for (String text : corpus()) {
            JsonNode expected = ORACLE.readTree(text);
            assertThat(Json.parse(text)).as(text).isEqualTo(expected);
            assertThat(Json.parse(text.getBytes(StandardCharsets.UTF_8))).as(text).isEqualTo(expected);
            assertThat(Json.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))).as(text)
                    .isEqualTo(expected);
            // Same node classes too (IntNode vs LongNode, DoubleNode, ...): the written bytes show the kinds.
            assertThat(Json.writeBytes(Json.parse(text))).as(text).isEqualTo(ORACLE.writeValueAsBytes(expected));
            assertThat(Json.writePretty(Json.parse(text))).as(text)
                    .isEqualTo(ORACLE.writerWithDefaultPrettyPrinter().writeValueAsString(expected));
        }
    }

    @Test
    void emptyTextIsMissingAsWithTheMapper() throws IOException {
        assertThat(Json.parse("")).isSameAs(MissingNode.getInstance()).isEqualTo(ORACLE.readTree(""));
        assertThat(Json.parse("  \n")).isSameAs(MissingNode.getInstance());
        assertThat(Json.parse(new byte[0])).isSameAs(MissingNode.getInstance());
    }

    @Test
    void rejectsWhatTheMapperRejected() {
        for (String bad : List.of("{", "[1,", "{\"a\":}", "{\"a\" 1}", "{\"a\":1}x", "{} {}", "[1] 2", "tru", "\"open",
                "{'a':1}", "[1,]", "NaN", "01", "{\"a\":1,}", "\"\\x\"")) {
            assertThatThrownBy(() -> ORACLE.readTree(bad)).as("oracle " + bad).isInstanceOf(JsonProcessingException.class);
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(JsonProcessingException.class);
            assertThatThrownBy(() -> Json.parse(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOf(JsonProcessingException.class);
        }
    }

    @Test
    void nestingBeyondTheParsersLimitIsAnErrorNotAStackOverflow() throws IOException {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("nesting depth");
        String fine = "[".repeat(900) + "]".repeat(900);
        assertThat(Json.parse(fine).isArray()).isTrue();
    }

    @Test
    void readingAndWritingTreesNeverMakesTheMapper() throws Exception {
        // A fresh JVM: in this one other tests may have made the mapper already.
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"),
                TreesOnly.class.getName()).redirectErrorStream(true).start();
        String log = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor()).as(log).isZero();
        assertThat(log).contains("trees-only ok").contains("com.fasterxml.jackson.core.JsonFactory ")
                .doesNotContain("com.fasterxml.jackson.databind.ObjectMapper ");
    }

    /** Parses, writes and pretty-prints a tree, as a run's start does with settings and sessions. */
    static final class TreesOnly {
        public static void main(String[] args) throws IOException {
            JsonNode tree = Json.parse("{\"a\":[1,2.5,\"x\",null,true],\"b\":{\"c\":12345678901234567890}}");
            Json.parse(Json.writeBytes(tree));
            Json.writePretty(tree);
            Json.write(tree);
            System.out.println("trees-only ok");
        }
    }

    private static List<String> corpus() throws IOException {
        List<String> texts = new ArrayList<>(DOCUMENTS);
        Path fixtures = Path.of("..", "..", "shared", "fixtures", "llm").toAbsolutePath().normalize();
        if (!Files.isDirectory(fixtures)) {
            fixtures = Path.of("..", "shared", "fixtures", "llm").toAbsolutePath().normalize();
        }
        try (Stream<Path> files = Files.isDirectory(fixtures) ? Files.walk(fixtures) : Stream.empty()) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                texts.add(Files.readString(file));
            }
            // Each SSE data line of the recorded streams is a document too.
        }
        try (Stream<Path> files = Files.isDirectory(fixtures) ? Files.walk(fixtures) : Stream.empty()) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sse")).toList()) {
                Files.readAllLines(file).stream().filter(l -> l.startsWith("data: {")).map(l -> l.substring(6))
                        .forEach(texts::add);
            }
        }
        return texts;
    }
}
