package dev.picrust.tool.builtin;

/**
 * Keeps the first {@code headChars} and the last {@code tailChars} characters of a stream of any
 * length, and counts the rest. Rendering never splits a surrogate pair at a cut.
 */
final class HeadTailBuffer {
    private final char[] head;
    private final char[] tail;
    private int headLength;
    private long tailWritten;
    private long total;

    HeadTailBuffer(int headChars, int tailChars) {
        this.head = new char[headChars];
        this.tail = new char[tailChars];
    }

    void append(char[] chars, int offset, int length) {
        total += length;
        int toHead = Math.min(length, head.length - headLength);
        System.arraycopy(chars, offset, head, headLength, toHead);
        headLength += toHead;
        for (int i = offset + toHead; i < offset + length; i++) {
            tail[(int) (tailWritten++ % tail.length)] = chars[i];
        }
    }

    void append(String text) {
        append(text.toCharArray(), 0, text.length());
    }

    long total() {
        return total;
    }

    /** True if characters between head and tail were dropped. */
    boolean truncated() {
        return tailWritten > tail.length;
    }

    /** Everything, if nothing was dropped. */
    String contents() {
        if (truncated()) {
            throw new IllegalStateException("output was truncated");
        }
        return new String(head, 0, headLength) + tailString();
    }

    /**
     * The text with {@code marker} (given the number of characters cut) between head and tail when
     * something was dropped.
     */
    String render(java.util.function.LongFunction<String> marker) {
        if (!truncated()) {
            return contents();
        }
        int headEnd = headLength;
        if (headEnd > 0 && Character.isHighSurrogate(head[headEnd - 1])) {
            headEnd--;
        }
        String tailText = tailString();
        if (!tailText.isEmpty() && Character.isLowSurrogate(tailText.charAt(0))) {
            tailText = tailText.substring(1);
        }
        long cut = total - headEnd - tailText.length();
        return new String(head, 0, headEnd) + marker.apply(cut) + tailText;
    }

    private String tailString() {
        int size = (int) Math.min(tailWritten, tail.length);
        if (tailWritten <= tail.length) {
            return new String(tail, 0, size);
        }
        int start = (int) (tailWritten % tail.length);
        return new String(tail, start, tail.length - start) + new String(tail, 0, start);
    }
}
