package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes a history written by one or more models acceptable to another, for a model switch in the
 * middle of a session. Pure: the session is never rewritten, the converted copy is what is sent.
 *
 * <ul>
 * <li><b>Thinking</b> stays only where the target can take it back: the same API and model that
 *     wrote it (and, for Anthropic, with its signature). Other thinking becomes plain text, so what
 *     the earlier model reasoned is not lost; redacted thinking from elsewhere is dropped.</li>
 * <li><b>Tool ids</b> are rewritten to what the target accepts ({@code [A-Za-z0-9_-]}, at most 40
 *     characters for OpenAI and 64 otherwise), unique across the history (some models reuse ids),
 *     with every result following its call's new id.</li>
 * <li>A <b>tool call without a result</b> in the next message gets a synthetic error result; a
 *     result without a call becomes text.</li>
 * <li><b>Provider-specific fields</b> go where they are not understood: Gemini's
 *     {@code thoughtSignature} reaches only Gemini for the model that wrote it; a call written by
 *     another model gets Gemini's documented placeholder signature instead, which Gemini 3 requires
 *     on the first call of a step. Anthropic's server-tool blocks reach only Anthropic. Empty text
 *     blocks are dropped for APIs that reject them.</li>
 * </ul>
 *
 * A message's origin is the model that answered it; an unknown origin (a session written before
 * origins were recorded, when every session was Anthropic's) counts as Anthropic's and the target's model.
 */
public final class HistoryConversion {
    /** Gemini's documented placeholder for a call whose real signature is unknown. */
    public static final String GEMINI_PLACEHOLDER_SIGNATURE = "skip_thought_signature_validator";
    /** The text of a synthetic result for a call that was never answered. */
    public static final String MISSING_RESULT = "No result: this tool call was never answered "
            + "(the turn was interrupted or the conversation moved on).";

    private static final String GEMINI_SIGNATURE = "thoughtSignature";

    private HistoryConversion() {}

    /**
     * The history converted for {@code target}.
     *
     * @param origins one entry per message (user messages' entries are ignored): the model that
     *                answered it, if known
     */
    public static List<Message> convert(List<Message> history, List<Optional<ModelRef>> origins, ModelRef target) {
        if (origins.size() != history.size()) {
            throw new IllegalArgumentException("origins must have one entry per message: " + origins.size()
                    + " for " + history.size());
        }
        State state = new State(target);
        List<Message> out = new ArrayList<>(history.size() + 1);
        for (int i = 0; i < history.size(); i++) {
            Message message = history.get(i);
            switch (message.role()) {
                case ASSISTANT -> {
                    List<ContentBlock> pendingResults = state.unanswered();
                    if (!pendingResults.isEmpty()) {
                        out.add(Message.user(pendingResults));
                    }
                    ModelRef origin = origins.get(i).orElse(new ModelRef(ApiKind.ANTHROPIC_MESSAGES, target.model()));
                    Message converted = state.assistant(message, origin);
                    if (!converted.content().isEmpty()) {
                        out.add(converted);
                    }
                }
                case USER -> out.add(state.user(message));
            }
        }
        List<ContentBlock> pendingResults = state.unanswered();
        if (!pendingResults.isEmpty()) {
            out.add(Message.user(pendingResults));
        }
        return out;
    }

    /** The id a target accepts for {@code id}, before uniqueness is ensured. */
    static String allowedId(String id, ApiKind target) {
        int max = target == ApiKind.OPENAI_COMPLETIONS ? 40 : 64;
        StringBuilder clean = new StringBuilder(Math.min(id.length(), max));
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            clean.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-' ? c : '_');
        }
        if (clean.isEmpty()) {
            clean.append("call");
        }
        return clean.length() <= max ? clean.toString() : clean.substring(0, max - 9) + "_" + hash(id);
    }

    private static String hash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The walk through the history: ids given out, and the calls of the last assistant message. */
    private static final class State {
        private final ModelRef target;
        private final Set<String> used = new HashSet<>();
        /** Calls of the last assistant message not answered yet: old id to new id, in call order. */
        private final Map<String, String> open = new LinkedHashMap<>();

        State(ModelRef target) {
            this.target = target;
        }

        Message assistant(Message message, ModelRef origin) {
            boolean sameModel = origin.equals(target);
            boolean fromTargetApi = origin.api() == target.api();
            ApiKind api = target.api();
            List<ContentBlock> content = new ArrayList<>(message.content().size());
            boolean placeholderGiven = false;
            for (ContentBlock block : message.content()) {
                switch (block) {
                    case ThinkingBlock thinking -> {
                        boolean keep = sameModel && (api != ApiKind.ANTHROPIC_MESSAGES || !thinking.signature().isEmpty());
                        if (keep) {
                            content.add(thinking);
                        } else if (!thinking.thinking().isBlank()) {
                            content.add(new TextBlock(thinking.thinking()));
                        }
                    }
                    case RedactedThinkingBlock redacted -> {
                        if (sameModel && api == ApiKind.ANTHROPIC_MESSAGES) {
                            content.add(redacted);
                        }
                    }
                    case TextBlock text -> {
                        TextBlock kept = sameModel && api == ApiKind.GOOGLE_GENERATIVE_AI ? text
                                : new TextBlock(text.text(), without(text.extras(), GEMINI_SIGNATURE));
                        if (!kept.text().isEmpty() || kept.extras().containsKey(GEMINI_SIGNATURE)) {
                            content.add(kept);
                        }
                    }
                    case ToolUseBlock call -> {
                        String id = give(call.id());
                        open.put(call.id(), id);
                        Map<String, JsonNode> extras = call.extras();
                        if (!(sameModel && api == ApiKind.GOOGLE_GENERATIVE_AI)) {
                            extras = without(extras, GEMINI_SIGNATURE);
                            if (api == ApiKind.GOOGLE_GENERATIVE_AI && !placeholderGiven) {
                                extras = with(extras, GEMINI_SIGNATURE, TextNode.valueOf(GEMINI_PLACEHOLDER_SIGNATURE));
                            }
                        }
                        placeholderGiven = true;
                        content.add(new ToolUseBlock(id, call.name(), call.input(), extras));
                    }
                    case UnknownBlock unknown -> {
                        if (fromTargetApi && api == ApiKind.ANTHROPIC_MESSAGES) {
                            content.add(unknown);
                        }
                    }
                    default -> content.add(block);
                }
            }
            return Message.assistant(content);
        }

        Message user(Message message) {
            List<ContentBlock> results = new ArrayList<>();
            List<ContentBlock> rest = new ArrayList<>();
            Map<String, String> answerable = new LinkedHashMap<>(open);
            for (ContentBlock block : message.content()) {
                if (block instanceof ToolResultBlock result) {
                    String id = answerable.remove(result.toolUseId());
                    if (id != null) {
                        results.add(new ToolResultBlock(id, result.content(), result.isError(), result.extras()));
                    } else {
                        rest.add(new TextBlock("[result of an earlier tool call " + result.toolUseId() + "]\n"
                                + result.text()));
                    }
                } else {
                    rest.add(block);
                }
            }
            open.clear();
            // Calls this message does not answer get a result here, where the API expects it.
            answerable.values().forEach(id -> results.add(ToolResultBlock.text(id, MISSING_RESULT, true)));
            List<ContentBlock> content = new ArrayList<>(results);
            content.addAll(rest);
            return Message.user(content);
        }

        /** Synthetic results for the calls still open (none were answered before the next model turn). */
        List<ContentBlock> unanswered() {
            List<ContentBlock> results = new ArrayList<>();
            open.values().forEach(id -> results.add(ToolResultBlock.text(id, MISSING_RESULT, true)));
            open.clear();
            return results;
        }

        private String give(String original) {
            String id = allowedId(original, target.api());
            if (used.add(id)) {
                return id;
            }
            String base = id.length() > 30 ? id.substring(0, 30) : id;
            for (int n = 2; ; n++) {
                String candidate = base + "_" + n;
                if (used.add(candidate)) {
                    return candidate;
                }
            }
        }
    }

    private static Map<String, JsonNode> without(Map<String, JsonNode> extras, String key) {
        if (!extras.containsKey(key)) {
            return extras;
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>(extras);
        copy.remove(key);
        return copy;
    }

    private static Map<String, JsonNode> with(Map<String, JsonNode> extras, String key, JsonNode value) {
        Map<String, JsonNode> copy = new LinkedHashMap<>(extras);
        copy.put(key, value);
        return copy;
    }
}
