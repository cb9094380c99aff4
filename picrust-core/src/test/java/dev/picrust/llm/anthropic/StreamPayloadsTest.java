package dev.picrust.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamPayloadsTest {
    private final StreamPayloads documents = new StreamPayloads();

    private Optional<JsonNode> tree(String text) {
        return documents.tree(text);
    }

    @Test
    void readsOneDocumentAfterAnotherWithOneParser() throws Exception {
        for (int i = 0; i < 50; i++) {
            String text = "{\"type\":\"content_block_delta\",\"index\":" + i + ",\"delta\":{\"text\":\"h\u00e9\uD83D\uDE00 " + i + "\"}}";
            assertThat(tree(text)).contains(Json.parse(text));
        }
        String big = "{\"text\":\"" + "x".repeat(20_000) + "\",\"n\":[1,2.5,true,null]}";
        assertThat(tree(big)).contains(Json.parse(big));
        assertThat(tree("  {\"a\":1}  \r\n\t")).contains(Json.parse("{\"a\":1}"));
    }

    @Test
    void aDocumentThatIsNotExactlyOneObjectIsLeftToTheCallerAndTheNextOneStillReads() throws Exception {
        for (String bad : new String[] {"{\"a\":", "{\"a\":1}x", "{\"a\":1} {\"b\":2}", "[1]", "42", "\"s\"", "",
                "not json", "{\"a\":1}}", "{\"a\" 1}"}) {
            assertThat(tree(bad)).as(bad).isEmpty();
            assertThat(tree("{\"after\":\"" + bad.length() + "\"}")).as("after " + bad)
                    .contains(Json.parse("{\"after\":\"" + bad.length() + "\"}"));
        }
    }

    @Test
    void closingBetweenPayloadsLosesNothing() throws Exception {
        assertThat(tree("{\"a\":1}")).contains(Json.parse("{\"a\":1}"));
        documents.close();
        documents.close();
        assertThat(tree("{\"b\":2}")).contains(Json.parse("{\"b\":2}"));
    }

    @Test
    void aReadingThatDeclinesTheShapeGivesEmptyAndTheStreamGoesOn() throws Exception {
        assertThat(documents.read("{\"a\":{\"b\":1}}", parser -> null)).isEmpty();
        // A reading that stops inside the object must not be taken as the whole document.
        assertThat(documents.read("{\"a\":{\"b\":1}}", parser -> {
            parser.nextToken();
            return "stopped early";
        })).isEmpty();
        assertThat(documents.read("{\"a\":2}", parser -> {
            JsonNode node = Json.tree(parser);
            assertThat(parser.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            return node;
        })).contains(Json.parse("{\"a\":2}"));
    }
}
