package dev.picrust.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.picrust.json.Json;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private static JsonNode roundTrip(String json) throws Exception {
        return MessageCodec.toJson(MessageCodec.fromJson(Json.parse(json)));
    }

    @Test
    void unknownBlocksAndUnknownFieldsRoundTripVerbatim() throws Exception {
        String json = """
            {"role":"assistant","content":[
              {"type":"thinking","thinking":"hmm","signature":"EqQBCkYIBxgCKkB+/=="},
              {"type":"redacted_thinking","data":"abc"},
              {"type":"text","text":"hi","citations":[{"x":1}]},
              {"type":"server_tool_use","id":"srv_1","name":"web_search","input":{"q":"a"}},
              {"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"a"},"caller":{"type":"direct"}}
            ]}""";
        assertThat(roundTrip(json)).isEqualTo(Json.parse(json));
        Message m = MessageCodec.fromJson(Json.parse(json));
        assertThat(m.content().get(0)).isEqualTo(new ThinkingBlock("hmm", "EqQBCkYIBxgCKkB+/=="));
        assertThat(m.content().get(3)).isInstanceOf(UnknownBlock.class);
    }

    @Test
    void toolResultWithTextOrBlocksAndImagesRoundTrip() throws Exception {
        String json = """
            {"role":"user","content":[
              {"type":"tool_result","tool_use_id":"t1","content":"plain"},
              {"type":"tool_result","tool_use_id":"t2","is_error":true,"content":[
                {"type":"text","text":"a"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAA"}}]},
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"doc"},"title":"T"}
            ]}""";
        assertThat(roundTrip(json)).isEqualTo(Json.parse(json));
    }

    @Test
    void stringContentBecomesOneTextBlock() throws Exception {
        Message m = MessageCodec.fromJson(Json.parse("{\"role\":\"user\",\"content\":\"hello\"}"));
        assertThat(m).isEqualTo(Message.user("hello"));
    }
}
