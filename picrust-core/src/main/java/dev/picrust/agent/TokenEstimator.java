package dev.picrust.agent;

import dev.picrust.json.Json;
import dev.picrust.llm.ContentBlock;
import dev.picrust.llm.DocumentBlock;
import dev.picrust.llm.ImageBlock;
import dev.picrust.llm.MediaSource;
import dev.picrust.llm.Message;
import dev.picrust.llm.RedactedThinkingBlock;
import dev.picrust.llm.TextBlock;
import dev.picrust.llm.ThinkingBlock;
import dev.picrust.llm.ToolDefinition;
import dev.picrust.llm.ToolResultBlock;
import dev.picrust.llm.ToolUseBlock;
import dev.picrust.llm.UnknownBlock;
import java.util.List;

/**
 * A fast local guess of how many tokens a message costs, for deciding when to compact; never for
 * billing. Tokenisers differ per model, so the figures are per content kind and err high: English
 * prose runs about 4 characters a token, code and tool output about 3.5, JSON (tool inputs and
 * schemas) about 3; a character outside ASCII (CJK, emoji) is about one token of its own. Images
 * cost what Anthropic bills a large one (~1,600); a PDF a few pages' worth. The provider's real
 * count ({@code usage.input_tokens}, or {@link dev.picrust.llm.LlmProvider#countTokens}) corrects
 * the running total where one is known.
 */
final class TokenEstimator {
    static final int IMAGE_TOKENS = 1_600;
    static final int PDF_TOKENS = 3_000;
    /** Role and framing of a message, and of each block in it. */
    private static final int MESSAGE_OVERHEAD = 4;
    private static final int BLOCK_OVERHEAD = 3;

    private static final double PROSE = 4.0;
    private static final double TOOL_OUTPUT = 3.5;
    private static final double JSON = 3.0;

    private TokenEstimator() {}

    static long message(Message message) {
        long total = MESSAGE_OVERHEAD;
        for (ContentBlock block : message.content()) {
            total += block(block);
        }
        return total;
    }

    static long messages(List<Message> messages) {
        long total = 0;
        for (Message m : messages) {
            total += message(m);
        }
        return total;
    }

    static long block(ContentBlock block) {
        return BLOCK_OVERHEAD + switch (block) {
            case TextBlock t -> text(t.text(), PROSE);
            case ThinkingBlock t -> text(t.thinking(), PROSE) + t.signature().length() / 4;
            case RedactedThinkingBlock r -> r.data().length() / 4;
            case ToolUseBlock u -> text(u.name(), JSON) + text(Json.write(u.input()), JSON);
            case ToolResultBlock r -> toolResult(r);
            case ImageBlock i -> IMAGE_TOKENS;
            case DocumentBlock d -> document(d);
            case UnknownBlock u -> text(Json.write(u.raw()), JSON);
        };
    }

    static long tools(List<ToolDefinition> tools) {
        long total = 0;
        for (ToolDefinition t : tools) {
            total += BLOCK_OVERHEAD + text(t.name(), JSON) + text(t.description(), PROSE)
                    + text(Json.write(t.inputSchema()), JSON);
        }
        return total;
    }

    static long system(List<TextBlock> system) {
        long total = 0;
        for (TextBlock t : system) {
            total += BLOCK_OVERHEAD + text(t.text(), PROSE);
        }
        return total;
    }

    private static long toolResult(ToolResultBlock r) {
        long total = 0;
        for (ContentBlock b : r.content()) {
            total += b instanceof TextBlock t ? BLOCK_OVERHEAD + text(t.text(), TOOL_OUTPUT) : block(b);
        }
        return total;
    }

    private static long document(DocumentBlock d) {
        return switch (d.source()) {
            case MediaSource.Base64 b when b.mediaType().startsWith("text/") -> text(b.data(), PROSE) * 3 / 4;
            case MediaSource.Raw raw when raw.json().path("data").isTextual() ->
                    text(raw.json().path("data").asText(), PROSE);
            default -> PDF_TOKENS;
        };
    }

    /** ASCII characters at {@code perToken}, anything else one token each. */
    static long text(String s, double perToken) {
        int ascii = 0;
        int other = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                ascii++;
            } else if (!Character.isLowSurrogate(c)) {
                other++;
            }
        }
        return (long) Math.ceil(ascii / perToken) + other;
    }
}
