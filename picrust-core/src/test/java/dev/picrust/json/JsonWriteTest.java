package dev.picrust.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonWriteTest {

    @Test
    void writingATreeToAGeneratorGivesTheMappersBytesForEveryNodeKind() throws IOException {
        ObjectNode tree = Json.object();
        tree.put("s", "t\u00e9xt \"q\" \n \u2028 \uD83D\uDE00").put("i", -7).put("l", 1L << 40).put("d", 0.1).put("f", 2.5f)
                .put("sh", (short) 3).put("bi", new BigInteger("99999999999999999999")).put("bd", new BigDecimal("1.50"))
                .put("b", false).putNull("n").put("bin", new byte[] {9, 8});
        tree.putPOJO("pojo", List.of(1, "x"));
        tree.putArray("a").add(1).addArray().add(Json.object()).addObject().put("k", true);
        tree.putObject("empty");
        JsonNode parsed = Json.parse("{\"x\":[1,2.0,-3e5,\"y\",null,{\"z\":{}}],\"w\":12345678901234567890}");
        for (JsonNode node : List.of(tree, parsed, Json.array(), Json.parse("\"only a string\""), Json.parse("42"))) {
            assertThat(Json.writeBytes(out -> Json.write(out, node))).isEqualTo(Json.writeBytes(node));
        }
    }

    @Test
    void aFailingStreamWriterSurfacesAsUncheckedIo() {
        assertThatThrownBy(() -> Json.writeBytes(out -> {
            throw new IOException("boom");
        })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("boom");
    }
}
