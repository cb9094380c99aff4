package dev.picrust.agent.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.MessageCodec;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.session.AgentSession;
import dev.picrust.session.SessionMetadata;
import dev.picrust.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachePolicyTest {
    static final JsonNode EPHEMERAL = Json.object().put("type", "ephemeral");

    static List<ToolDefinition> tools() {
        return List.of(new ToolDefinition("Read", "reads", Json.object()),
                new ToolDefinition("Bash", "runs", Json.object()));
    }

    static List<Message> conversation() {
        return List.of(
                Message.user("fix the build"),
                Message.assistant(List.of(new ThinkingBlock("hmm", "sig"),
                        new ToolUseBlock("t1", "Bash", Json.object().put("command", "make")))),
                Message.user(List.of(ToolResultBlock.text("t1", "error: x", true))),
                Message.assistant(List.of(new TextBlock("fixing"),
                        new ToolUseBlock("t2", "Edit", Json.object().put("file_path", "x")))),
                Message.user(List.of(ToolResultBlock.text("t2", "ok", false))));
    }

    static LlmRequest request(List<Message> messages) {
        return LlmRequest.of("m", messages, 1000)
                .withSystem(List.of(new TextBlock("You are helpful."), new TextBlock("Project rules...")))
                .withTools(tools());
    }

    /** The request in wire JSON, as a provider would send it. */
    static ObjectNode wire(LlmRequest request) {
        ObjectNode n = Json.object();
        ArrayNode tools = n.putArray("tools");
        request.tools().forEach(t -> tools.add(MessageCodec.toJson(t)));
        ArrayNode system = n.putArray("system");
        request.system().forEach(b -> system.add(MessageCodec.toJson(b)));
        n.set("messages", MessageCodec.toJson(request.messages()));
        return n;
    }

    @Test
    void placesBreakpointsOnToolsSystemAndTheHistoryTail() {
        LlmRequest cached = CachePolicy.ephemeral().apply(request(conversation()));
        assertThat(CachePolicy.countBreakpoints(cached)).isEqualTo(4);
        assertThat(cached.tools().get(0).extras()).doesNotContainKey("cache_control");
        assertThat(cached.tools().get(1).extras()).containsEntry("cache_control", EPHEMERAL);
        assertThat(cached.system().get(0).extras()).isEmpty();
        assertThat(cached.system().get(1).extras()).containsEntry("cache_control", EPHEMERAL);
        List<Message> m = cached.messages();
        assertThat(m.get(4).content().getLast().extras()).containsEntry("cache_control", EPHEMERAL);
        assertThat(m.get(2).content().getLast().extras()).containsEntry("cache_control", EPHEMERAL);
        assertThat(m.get(0).content().getFirst().extras()).isEmpty();
        assertThat(m.get(3).content()).allSatisfy(b -> assertThat(b.extras()).isEmpty());
    }

    @Test
    void neverMoreThanFourEvenIfTheHistoryAlreadyCarriesCacheControl() {
        List<Message> marked = new ArrayList<>();
        for (Message msg : conversation()) {
            List<ContentBlock> blocks = new ArrayList<>();
            for (ContentBlock b : msg.content()) {
                blocks.add(b instanceof TextBlock t ? new TextBlock(t.text(), Map.of("cache_control", EPHEMERAL))
                        : b instanceof ToolResultBlock r ? new ToolResultBlock(r.toolUseId(),
                        List.of(new TextBlock(r.text(), Map.of("cache_control", EPHEMERAL))), r.isError(),
                        Map.of("cache_control", EPHEMERAL)) : b);
            }
            marked.add(new Message(msg.role(), blocks));
        }
        LlmRequest dirty = request(marked).withTools(tools().stream()
                .map(t -> t.withExtras(Map.of("cache_control", EPHEMERAL))).toList());
        assertThat(CachePolicy.countBreakpoints(dirty)).isGreaterThan(4);
        LlmRequest cached = CachePolicy.ephemeral().apply(dirty);
        assertThat(CachePolicy.countBreakpoints(cached)).isEqualTo(4);
        assertThat(cached.messages().get(4).content().getLast().extras()).containsKey("cache_control");
        assertThat(((ToolResultBlock) cached.messages().get(4).content().getLast()).content().getFirst().extras())
                .isEmpty();
    }

    @Test
    void fewerPartsMeanFewerBreakpoints() {
        LlmRequest bare = LlmRequest.of("m", List.of(Message.user("hi")), 10);
        LlmRequest cached = CachePolicy.ephemeral().apply(bare);
        assertThat(CachePolicy.countBreakpoints(cached)).isEqualTo(1);
        assertThat(cached.messages().getFirst().content().getFirst().extras()).containsKey("cache_control");
        assertThat(CachePolicy.countBreakpoints(CachePolicy.ephemeral().apply(LlmRequest.of("m", List.of(), 10))))
                .isZero();
    }

    @Test
    void skipsBlocksThatCannotCarryABreakpoint() {
        Message thinkingOnly = Message.assistant(List.of(new TextBlock("answer"), new ThinkingBlock("t", "s")));
        LlmRequest cached = CachePolicy.ephemeral().apply(LlmRequest.of("m",
                List.of(Message.user("q"), thinkingOnly), 10));
        List<ContentBlock> last = cached.messages().get(1).content();
        assertThat(last.get(0).extras()).containsKey("cache_control");
        assertThat(last.get(1).extras()).isEmpty();
        assertThat(cached.messages().get(0).content().getFirst().extras()).containsKey("cache_control");
    }

    @Test
    void injectionAfterBreakpointsLeavesTheCachedPrefixByteIdentical() {
        LlmRequest base = request(conversation());
        InjectionContext ctx1 = new InjectionContext("s", Path.of("/w"), 1, 1, Instant.parse("2025-01-01T00:00:00Z"),
                Optional.empty());
        InjectionContext ctx2 = new InjectionContext("s", Path.of("/w"), 1, 2, Instant.parse("2025-01-01T00:05:00Z"),
                Optional.empty());
        List<ContextInjector> injectors = List.of(ContextInjector.currentTime(java.time.ZoneOffset.UTC),
                ctx -> Optional.of("iteration " + ctx.iteration()));

        String first = Json.write(wire(ContextInjection.apply(CachePolicy.ephemeral().apply(base), injectors, ctx1)));
        String second = Json.write(wire(ContextInjection.apply(CachePolicy.ephemeral().apply(base), injectors, ctx2)));
        assertThat(first).isNotEqualTo(second);

        // The cached prefix ends with the breakpoint on the last history block; everything up to it matches.
        int firstBreakpointEnd = lastBreakpointEnd(first);
        int secondBreakpointEnd = lastBreakpointEnd(second);
        assertThat(firstBreakpointEnd).isEqualTo(secondBreakpointEnd);
        assertThat(first.substring(0, firstBreakpointEnd)).isEqualTo(second.substring(0, secondBreakpointEnd));

        LlmRequest sent = ContextInjection.apply(CachePolicy.ephemeral().apply(base), injectors, ctx1);
        List<ContentBlock> lastBlocks = sent.messages().getLast().content();
        assertThat(lastBlocks.get(lastBlocks.size() - 2).extras()).containsKey("cache_control");
        assertThat(((TextBlock) lastBlocks.getLast()).text()).startsWith("<system-reminder>");
        assertThat(lastBlocks.getLast().extras()).isEmpty();
        assertThat(CachePolicy.countBreakpoints(sent)).isEqualTo(4);
    }

    private static int lastBreakpointEnd(String json) {
        String marker = "\"cache_control\":{\"type\":\"ephemeral\"}";
        int at = json.lastIndexOf(marker);
        assertThat(at).isPositive();
        return at + marker.length();
    }

    @Test
    void oneHourTtl() {
        LlmRequest cached = CachePolicy.ephemeral(CachePolicy.Ttl.ONE_HOUR).apply(request(conversation()));
        JsonNode expected = Json.object().put("type", "ephemeral").put("ttl", "1h");
        assertThat(cached.tools().getLast().extras()).containsEntry("cache_control", expected);
        assertThat(cached.system().getLast().extras()).containsEntry("cache_control", expected);
        assertThat(cached.messages().getLast().content().getLast().extras()).containsEntry("cache_control", expected);
        assertThat(Json.write(wire(cached))).contains("\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");
    }

    @Test
    void offChangesNothing() {
        LlmRequest base = request(conversation());
        assertThat(CachePolicy.off().apply(base)).isSameAs(base);
        assertThat(CachePolicy.countBreakpoints(CachePolicy.off().apply(base))).isZero();
    }

    @Test
    void parsesSettingValues() {
        assertThat(CachePolicy.parse("off")).isEqualTo(CachePolicy.off());
        assertThat(CachePolicy.parse("5m")).isEqualTo(CachePolicy.ephemeral());
        assertThat(CachePolicy.parse("on")).isEqualTo(CachePolicy.ephemeral());
        assertThat(CachePolicy.parse("1h")).isEqualTo(CachePolicy.ephemeral(CachePolicy.Ttl.ONE_HOUR));
        assertThatThrownBy(() -> CachePolicy.parse("2h")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neitherCachingNorInjectionReachesTheSessionFile(@TempDir Path root) throws Exception {
        SessionStore store = SessionStore.at(root);
        try (AgentSession session = store.create(SessionMetadata.create("s1", "coder", "m", "p"))) {
            conversation().forEach(session::append);
            LlmRequest sent = ContextInjection.apply(CachePolicy.ephemeral().apply(request(session.messages())),
                    List.of(ctx -> Optional.of("secret injected text")),
                    new InjectionContext("s1", root, 1, 1, Instant.now(), Optional.empty()));
            assertThat(Json.write(wire(sent))).contains("secret injected text").contains("cache_control");
            assertThat(session.messages()).isEqualTo(conversation());
        }
        String file = Files.readString(root.resolve("s1/history.jsonl"));
        assertThat(file).doesNotContain("secret injected text").doesNotContain("cache_control")
                .doesNotContain("system-reminder");
        try (AgentSession reopened = SessionStore.at(root).open("s1")) {
            assertThat(reopened.messages()).isEqualTo(conversation());
        }
    }
}
