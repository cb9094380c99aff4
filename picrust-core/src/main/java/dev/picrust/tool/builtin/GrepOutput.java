package dev.picrust.tool.builtin;

/**
 * Grep's result entries (lines, files or counts) after {@code offset} and {@code head_limit}, cut
 * at a character cap. Only what will be shown is kept, so a search matching millions of lines
 * costs no more memory than its visible output.
 */
final class GrepOutput {
    private final long offset;
    private final long headLimit;
    private final int maxChars;
    private final StringBuilder text = new StringBuilder();
    private long seen;
    private long shown;
    private boolean limitReached;
    private boolean capReached;

    /** @param headLimit 0 for no limit */
    GrepOutput(long offset, long headLimit, int maxChars) {
        this.offset = offset;
        this.headLimit = headLimit;
        this.maxChars = maxChars;
    }

    /** Adds an entry; false once no more entries will be shown (callers may stop searching). */
    boolean add(String entry) {
        if (isFull()) {
            return false;
        }
        seen++;
        if (seen <= offset) {
            return true;
        }
        if (headLimit > 0 && shown >= headLimit) {
            limitReached = true;
            return false;
        }
        if (text.length() + entry.length() + 1 > maxChars) {
            capReached = true;
            return false;
        }
        text.append(entry).append('\n');
        shown++;
        return true;
    }

    boolean isFull() {
        return limitReached || capReached;
    }

    /** Entries seen, including those skipped by offset. */
    long entries() {
        return seen;
    }

    String render() {
        StringBuilder out = new StringBuilder(text);
        if (shown == 0) {
            out.append("(no entries after offset ").append(offset).append("; ").append(seen).append(" in total)\n");
        }
        if (capReached) {
            out.append("... (output cut at ").append(maxChars).append(" characters; use head_limit and offset=")
                    .append(offset + shown).append(" to see more, or narrow the search)\n");
        } else if (limitReached) {
            out.append("... (more results; use offset=").append(offset + shown).append(" to see the next ones)\n");
        }
        return out.toString();
    }
}
