package dev.picrust.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import dev.picrust.llm.LlmFixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BlockEventTest {
    /** One stream's reader for every payload of a test, as in a real stream: a payload it refuses must not spoil the next. */
    private final StreamPayloads documents = new StreamPayloads();

    private Optional<BlockEvent> read(String payload) {
        return documents.read(payload, BlockEvent::read);
    }

    @Test
    void readsThePlainShapes() {
        assertThat(read("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\"}}"))
                .contains(new BlockEvent(true, 1, "input_json_delta", "{\"a"));
        assertThat(read("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}"))
                .contains(new BlockEvent(true, 0, "thinking_delta", "hm"));
        assertThat(read("{\"type\":\"content_block_delta\",\"index\":-2,\"delta\":{\"signature\":\"s\",\"type\":\"signature_delta\"}}"))
                .contains(new BlockEvent(true, -2, "signature_delta", "s"));
        assertThat(read("{\"type\":\"content_block_stop\",\"index\":3}")).contains(new BlockEvent(true, 3, "", ""));
        assertThat(read(" {\"type\": \"ping\"} \n")).contains(new BlockEvent(false, 0, "", ""));
        assertThat(read("{\"index\":0,\"delta\":{\"type\":\"brand_new_delta\"}}"))
                .contains(new BlockEvent(true, 0, "brand_new_delta", ""));
        assertThat(read("{\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\\n\\\"b\\\\ \\/ \\u00e9\\uD83D\\ude00 \\b\\f\\r\\t\"}}"))
                .contains(new BlockEvent(true, 0, "text_delta", "a\n\"b\\ / \u00e9\uD83D\uDE00 \b\f\r\t"));
    }

    private static final List<String> UNUSUAL = List.of("", " ", "not json", "[]", "\"x\"", "{", "{}x", "{\"index\":0} {}",
            "{\"index\":0.5}", "{\"index\":0.0}", "{\"index\":1e2}", "{\"index\":\"0\"}", "{\"index\":01}", "{\"index\":-}",
            "{\"index\":2147483648}", "{\"index\":-2147483649}", "{\"index\":9999999999999}", "{\"index\":null}",
            "{\"index\":0,\"delta\":null}", "{\"index\":0,\"delta\":[]}", "{\"index\":0,}", "{,\"index\":0}",
            "{\"index\":0,\"delta\":{\"type\":1}}", "{\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":null}}",
            "{\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{}}}",
            "{\"index\":0,\"delta\":{\"type\":\"citations_delta\"}}",
            "{\"index\":0,\"delta\":{\"type\":\"x\",\"content\":{\"x\":1}}}", "{\"index\":0,\"extra\":1}",
"{\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\u0001\"}}",
            "{\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"bad \\x escape\"}}",
            "{\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"short \\u12\"}}",
            "{\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"unterminated}}",
            "{\"index\" 0}", "{'index':0}", "{\"type\":true}");

    @Test
    void leavesEverythingElseToTheTreeRoute() {
        for (String unusual : UNUSUAL) {
            assertThat(read(unusual)).as(unusual).isEqualTo(Optional.empty());
        }
    }

    /** Whatever the streaming read accepts, the tree accepts and reads the same way. */
    @Test
    void agreesWithTheTreeOnEverythingItAccepts() throws IOException {
        List<String> payloads = new ArrayList<>(UNUSUAL);
        try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(LlmFixtures.dir())) {
            for (java.nio.file.Path file : files.filter(f -> f.getFileName().toString().startsWith("anthropic-")).toList()) {
                for (String line : java.nio.file.Files.readAllLines(file)) {
                    payloads.add(line.startsWith("data: ") ? line.substring(6) : line);
                }
            }
        }
        payloads.addAll(List.of("{\"index\":-0}", "{\"index\":2147483647}", "{\"index\":-2147483648}",
                " \t\r\n{ \"index\" : 4 , \"delta\" : { \"type\" : \"text_delta\" , \"text\" : \"x\" } } \r\n",
                "{\"delta\":{\"type\":\"text_delta\",\"text\":\"first\"},\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"second\"},\"index\":7}",
                "{\"index\":1,\"index\":2}", "{\"ind\\u0065x\":0}", "\uFEFF{\"index\":0}", "{\"index\":0}\u0000", "{\"index\":0,\"delta\":{}}", "{\"delta\":{\"text\":\"no type\"}}",
                "{\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\\ud800 lone \\uDFFF \u2028 \u00ff \uffff\"}}"));
        int accepted = 0;
        for (String payload : payloads) {
            Optional<BlockEvent> read = read(payload);
            if (read.isEmpty()) {
                continue;
            }
            accepted++;
            JsonNode tree = Json.parse(payload);
            assertThat(tree.isObject()).as(payload).isTrue();
            JsonNode index = tree.get("index");
            assertThat(read.get().hasIndex()).as(payload).isEqualTo(index != null && index.canConvertToInt());
            if (index != null) {
                assertThat(read.get().index()).as(payload).isEqualTo(index.asInt());
            }
            JsonNode delta = tree.path("delta");
            String type = delta.path("type").asText("");
            assertThat(read.get().deltaType()).as(payload).isEqualTo(type);
            String field = switch (type) {
                case "text_delta" -> "text";
                case "thinking_delta" -> "thinking";
                case "signature_delta" -> "signature";
                case "input_json_delta" -> "partial_json";
                default -> "";
            };
            assertThat(read.get().deltaText()).as(payload).isEqualTo(field.isEmpty() ? "" : delta.path(field).asText(""));
        }
        assertThat(accepted).isGreaterThan(20);
    }
}
