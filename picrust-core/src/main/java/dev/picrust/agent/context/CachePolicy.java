package dev.picrust.agent.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.DocumentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.LlmRequest;
import dev.picrust.llm.Message;
import dev.picrust.llm.RedactedThinkingBlock;
import dev.picrust.llm.Role;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.UnknownBlock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Places Anthropic prompt-cache breakpoints ({@code cache_control}) on a request, at most
 * {@value #MAX_BREAKPOINTS}: the last tool definition, the last system block, the last block of the
 * last message, and the last block of the user message before that. Any {@code cache_control}
 * already in the request is removed first, so the limit holds whatever the history carries.
 *
 * <p>Apply it to the request as built from the session, then inject context
 * ({@link ContextInjection}): injected text lands in a new block after the last breakpoint, so the
 * cached prefix stays byte-identical from call to call. The session itself is never touched.
 */
public record CachePolicy(boolean enabled, Ttl ttl) {
    /** The API allows four breakpoints per request. */
    public static final int MAX_BREAKPOINTS = 4;
    public static final String CACHE_CONTROL = "cache_control";

    public enum Ttl {
        /** The API default; written without a {@code ttl} field. */
        FIVE_MINUTES("5m"),
        ONE_HOUR("1h");

        private final String wireName;

        Ttl(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public CachePolicy {
        Objects.requireNonNull(ttl, "ttl");
    }

    public static CachePolicy off() {
        return new CachePolicy(false, Ttl.FIVE_MINUTES);
    }

    public static CachePolicy ephemeral() {
        return new CachePolicy(true, Ttl.FIVE_MINUTES);
    }

    public static CachePolicy ephemeral(Ttl ttl) {
        return new CachePolicy(true, ttl);
    }

    /** {@code off}, {@code on}/{@code 5m}, or {@code 1h} (settings and flags). */
    public static CachePolicy parse(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "off", "false", "none" -> off();
            case "on", "true", "5m" -> ephemeral();
            case "1h" -> ephemeral(Ttl.ONE_HOUR);
            default -> throw new IllegalArgumentException("cache must be off, on, 5m or 1h: \"" + text + "\"");
        };
    }

    /** The {@code cache_control} value this policy writes. */
    public ObjectNode marker() {
        ObjectNode n = Json.object();
        n.put("type", "ephemeral");
        if (ttl == Ttl.ONE_HOUR) {
            n.put("ttl", ttl.wireName());
        }
        return n;
    }

    /** The request with breakpoints placed; unchanged when the policy is off. */
    public LlmRequest apply(LlmRequest request) {
        if (!enabled) {
            return request;
        }
        // Plain loops, and the request's own lists kept where nothing changes: this runs before every
        // model call over the whole history.
        int budget = MAX_BREAKPOINTS;
        List<ToolDefinition> tools = new ArrayList<>(request.tools().size());
        for (ToolDefinition t : request.tools()) {
            tools.add(t.extras().containsKey(CACHE_CONTROL) ? t.withExtras(without(t.extras())) : t);
        }
        if (!tools.isEmpty()) {
            ToolDefinition last = tools.getLast();
            tools.set(tools.size() - 1, last.withExtras(with(last.extras())));
            budget--;
        }
        List<TextBlock> system = new ArrayList<>(request.system().size());
        for (TextBlock b : request.system()) {
            system.add((TextBlock) stripped(b));
        }
        if (!system.isEmpty()) {
            system.set(system.size() - 1, (TextBlock) marked(system.getLast()));
            budget--;
        }
        List<Message> messages = new ArrayList<>(request.messages().size());
        for (Message m : request.messages()) {
            messages.add(stripped(m));
        }
        int last = messages.size() - 1;
        if (last >= 0 && budget > 0 && markLastCacheable(messages, last)) {
            budget--;
        }
        for (int i = last - 1; i >= 0 && budget > 0; i--) {
            if (messages.get(i).role() == Role.USER) {
                if (markLastCacheable(messages, i)) {
                    budget--;
                }
                break;
            }
        }
        // One request, not three: each would copy every list again.
        return new LlmRequest(request.model(), system, messages, tools, request.maxTokens(), request.thinking(),
                request.temperature(), request.extraBody());
    }

    /** Counts breakpoints in a request (tools, system, messages and nested tool-result content). */
    public static int countBreakpoints(LlmRequest request) {
        int n = (int) request.tools().stream().filter(t -> t.extras().containsKey(CACHE_CONTROL)).count();
        n += (int) request.system().stream().filter(b -> b.extras().containsKey(CACHE_CONTROL)).count();
        for (Message m : request.messages()) {
            n += count(m.content());
        }
        return n;
    }

    private static int count(List<ContentBlock> blocks) {
        int n = 0;
        for (ContentBlock b : blocks) {
            if (b instanceof UnknownBlock u ? u.raw().has(CACHE_CONTROL) : b.extras().containsKey(CACHE_CONTROL)) {
                n++;
            }
            if (b instanceof ToolResultBlock r) {
                n += count(r.content());
            }
        }
        return n;
    }

    private boolean markLastCacheable(List<Message> messages, int index) {
        Message m = messages.get(index);
        List<ContentBlock> blocks = new ArrayList<>(m.content());
        for (int b = blocks.size() - 1; b >= 0; b--) {
            if (cacheable(blocks.get(b))) {
                blocks.set(b, marked(blocks.get(b)));
                messages.set(index, new Message(m.role(), blocks));
                return true;
            }
        }
        return false;
    }

    /** Thinking blocks cannot carry a breakpoint, nor can empty text; unknown blocks are left alone. */
    private static boolean cacheable(ContentBlock block) {
        return switch (block) {
            case TextBlock t -> !t.text().isEmpty();
            case ImageBlock i -> true;
            case DocumentBlock d -> true;
            case ToolUseBlock u -> true;
            case ToolResultBlock r -> true;
            case ThinkingBlock t -> false;
            case RedactedThinkingBlock r -> false;
            case UnknownBlock u -> false;
        };
    }

    private ContentBlock marked(ContentBlock block) {
        return withExtras(block, with(block.extras()));
    }

    private static Message stripped(Message m) {
        return anyCarriesCacheControl(m.content()) ? new Message(m.role(), strippedAll(m.content())) : m;
    }

    private static boolean anyCarriesCacheControl(List<ContentBlock> blocks) {
        for (ContentBlock b : blocks) {
            if (carriesCacheControl(b)) {
                return true;
            }
        }
        return false;
    }

    private static List<ContentBlock> strippedAll(List<ContentBlock> blocks) {
        List<ContentBlock> out = new ArrayList<>(blocks.size());
        for (ContentBlock b : blocks) {
            out.add(stripped(b));
        }
        return out;
    }

    private static boolean carriesCacheControl(ContentBlock b) {
        return switch (b) {
            case UnknownBlock u -> u.raw().has(CACHE_CONTROL);
            case ToolResultBlock r -> r.extras().containsKey(CACHE_CONTROL) || anyCarriesCacheControl(r.content());
            default -> b.extras().containsKey(CACHE_CONTROL);
        };
    }

    private static ContentBlock stripped(ContentBlock b) {
        if (!carriesCacheControl(b)) {
            return b;
        }
        return switch (b) {
            case UnknownBlock u -> {
                ObjectNode raw = u.raw();
                raw.remove(CACHE_CONTROL);
                yield new UnknownBlock(raw);
            }
            case ToolResultBlock r -> new ToolResultBlock(r.toolUseId(), strippedAll(r.content()), r.isError(),
                    without(r.extras()));
            default -> withExtras(b, without(b.extras()));
        };
    }

    private Map<String, JsonNode> with(Map<String, JsonNode> extras) {
        if (extras.isEmpty()) {
            return Map.of(CACHE_CONTROL, marker());  // the usual case; the block copies it anyway
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>(extras);
        copy.put(CACHE_CONTROL, marker());
        return copy;
    }

    private static Map<String, JsonNode> without(Map<String, JsonNode> extras) {
        Map<String, JsonNode> copy = new LinkedHashMap<>(extras);
        copy.remove(CACHE_CONTROL);
        return copy;
    }

    private static ContentBlock withExtras(ContentBlock b, Map<String, JsonNode> extras) {
        return switch (b) {
            case TextBlock t -> new TextBlock(t.text(), extras);
            case ImageBlock i -> new ImageBlock(i.source(), extras);
            case DocumentBlock d -> new DocumentBlock(d.source(), extras);
            case ToolUseBlock u -> new ToolUseBlock(u.id(), u.name(), u.input(), extras);
            case ToolResultBlock r -> new ToolResultBlock(r.toolUseId(), r.content(), r.isError(), extras);
            case ThinkingBlock t -> new ThinkingBlock(t.thinking(), t.signature(), extras);
            case RedactedThinkingBlock r -> new RedactedThinkingBlock(r.data(), extras);
            case UnknownBlock u -> u;
        };
    }
}
