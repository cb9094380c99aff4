package dev.picrust.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlockEventTest {

    @Test
    void readsThePlainShapes() {
        assertThat(BlockEvent.read("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\"}}"))
                .contains(new BlockEvent(true, 1, "input_json_delta", "{\"a"));
        assertThat(BlockEvent.read("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}"))
                .contains(new BlockEvent(true, 0, "thinking_delta", "hm"));
        assertThat(BlockEvent.read("{\"type\":\"content_block_delta\",\"index\":-2,\"delta\":{\"signature\":\"s\",\"type\":\"signature_delta\"}}"))
                .contains(new BlockEvent(true, -2, "signature_delta", "s"));
        assertThat(BlockEvent.read("{\"type\":\"content_block_stop\",\"index\":3}")).contains(new BlockEvent(true, 3, "", ""));
        assertThat(BlockEvent.read(" {\"type\": \"ping\"} \n")).contains(new BlockEvent(false, 0, "", ""));
        assertThat(BlockEvent.read("{\"index\":0,\"delta\":{\"type\":\"brand_new_delta\",\"content\":{\"x\":1}}}"))
                .contains(new BlockEvent(true, 0, "brand_new_delta", ""));
    }

    @Test
    void leavesEverythingUnusualToTheTreeRoute() {
        for (String unusual : List.of("", "not json", "[]", "{\"index\":0} {}", "{\"index\":0.5}", "{\"index\":\"0\"}",
                "{\"index\":9999999999}", "{\"index\":null}", "{\"index\":0,\"delta\":null}", "{\"index\":0,\"delta\":[]}",
                "{\"index\":0,\"delta\":{\"type\":1}}", "{\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":null}}",
                "{\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{}}}", "{\"index\":0,")) {
            assertThat(BlockEvent.read(unusual)).as(unusual).isEqualTo(Optional.empty());
        }
    }
}
