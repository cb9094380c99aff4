package dev.picrust.tool.builtin;

import dev.picrust.Cancellation;
import java.util.concurrent.CancellationException;

/**
 * Text handed to the regex engine that stops a runaway match: every 65,536 character reads it
 * checks for cancellation and the search's deadline. A pattern with catastrophic backtracking thus
 * ends the search with a message instead of pinning a thread forever.
 */
final class GuardedText implements CharSequence {

    /** Thrown when the deadline passes during a match. */
    static final class DeadlineExceeded extends RuntimeException {
        DeadlineExceeded() {
            super("search deadline exceeded", null, false, false);
        }
    }

    private final CharSequence text;
    private final Cancellation cancellation;
    private final long deadlineNanos;
    private int reads;

    GuardedText(CharSequence text, Cancellation cancellation, long deadlineNanos) {
        this.text = text;
        this.cancellation = cancellation;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public char charAt(int index) {
        if ((++reads & 0xFFFF) == 0) {
            if (cancellation.isCancelled()) {
                throw new CancellationException("cancelled");
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new DeadlineExceeded();
            }
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new GuardedText(text.subSequence(start, end), cancellation, deadlineNanos);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
