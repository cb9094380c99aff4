package dev.picrust.tool.builtin;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Streams a running command's output to subscribers ({@code tool_progress} chunks) in whole lines,
 * at most every {@code interval} (a background ticker flushes what arrived, so a lone line is not
 * held back while the command goes quiet), and only up to {@link #MAX_STREAMED_CHARS}: the
 * complete output is in the tool result anyway.
 */
final class LiveOutput implements AutoCloseable {
    static final long MAX_STREAMED_CHARS = 1_000_000;
    private static final int FORCE_FLUSH_CHARS = 8192;

    private final Consumer<String> sink;
    private final StringBuilder pending = new StringBuilder();
    private final Thread ticker;
    /** Held while a flush hands text to the sink (which publishes a chunk): a lock, not a monitor, so that never pins a carrier. */
    private final ReentrantLock lock = new ReentrantLock();
    private long streamed;
    private boolean stopped;
    private boolean closed;

    LiveOutput(Consumer<String> sink, java.time.Duration interval) {
        this.sink = sink;
        this.ticker = Thread.ofVirtual().name("bash-progress").start(() -> {
            try {
                while (true) {
                    Thread.sleep(interval);
                    lock.lock();
                    try {
                        if (closed) {
                            return;
                        }
                        flush(false);
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    void append(char[] chars, int offset, int length) {
        lock.lock();
        try {
            if (stopped || closed) {
                return;
            }
            pending.append(chars, offset, length);
            if (pending.length() >= FORCE_FLUSH_CHARS) {
                flush(false);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Emits the complete lines pending (all of it when {@code everything}). */
    private void flush(boolean everything) {
        if (pending.isEmpty() || stopped) {
            return;
        }
        int end = everything ? pending.length() : pending.lastIndexOf("\n") + 1;
        if (end == 0 && pending.length() >= FORCE_FLUSH_CHARS) {
            end = pending.length(); // a very long line: send what there is
        }
        if (end > 0 && end < pending.length() && Character.isHighSurrogate(pending.charAt(end - 1))) {
            end--;
        }
        if (end <= 0) {
            return;
        }
        String text = pending.substring(0, end);
        pending.delete(0, end);
        if (streamed + text.length() > MAX_STREAMED_CHARS) {
            stopped = true;
            pending.setLength(0);
            sink.accept("\n[live output stopped after " + streamed + " characters; the result has the rest]\n");
            return;
        }
        streamed += text.length();
        sink.accept(text);
    }

    /** Emits whatever is left and stops the ticker. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            flush(true);
            closed = true;
        } finally {
            lock.unlock();
        }
        ticker.interrupt();
    }
}
