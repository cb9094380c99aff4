package dev.picrust.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One block of a message's content. The set is closed so that every front end, codec and the loop
 * handle each kind; {@link UnknownBlock} carries block types this version does not know, verbatim.
 *
 * <p>{@link #extras()} holds wire fields a block had beyond the ones modelled (for example
 * {@code cache_control} or {@code citations}); codecs write them back unchanged.
 */
public sealed interface ContentBlock
        permits TextBlock, ImageBlock, DocumentBlock, ToolUseBlock, ToolResultBlock,
                ThinkingBlock, RedactedThinkingBlock, UnknownBlock {

    /** The wire {@code type} of this block. */
    String type();

    /** Unmodelled wire fields, kept so they round-trip. Never null. */
    Map<String, JsonNode> extras();
}
