package dev.picrust.tool.builtin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A foreground command's output for the model: all of it up to {@code maxChars}, beyond that the
 * first and last halves with a line saying how much was cut and where the full output was saved
 * (a log file opened the moment the output outgrows the cap, starting with everything so far).
 */
final class CapturedOutput {
    private final int maxChars;
    private final Path logDirectory;
    private final String label;
    private final HeadTailBuffer buffer;
    /** Appends may create and write the log file; a lock, not a monitor, for the same reason as in {@link OutputLog}. */
    private final ReentrantLock lock = new ReentrantLock();
    private OutputLog log;
    private String logProblem;

    CapturedOutput(int maxChars, Path logDirectory, String label) {
        this.maxChars = maxChars;
        this.logDirectory = logDirectory;
        this.label = label;
        this.buffer = new HeadTailBuffer(maxChars / 2, maxChars - maxChars / 2);
    }

    void append(char[] chars, int offset, int length) {
        lock.lock();
        try {
            if (log == null && logProblem == null && buffer.total() + length > maxChars) {
                try {
                    log = OutputLog.create(logDirectory, label);
                    String soFar = buffer.contents(); // complete: nothing was dropped before the cap
                    log.append(soFar.toCharArray(), 0, soFar.length());
                } catch (IOException | RuntimeException e) {
                    logProblem = e.getMessage();
                }
            }
            if (log != null) {
                try {
                    log.append(chars, offset, length);
                } catch (IOException e) {
                    logProblem = e.getMessage();
                    closeLog();
                }
            }
            buffer.append(chars, offset, length);
        } finally {
            lock.unlock();
        }
    }

    long totalChars() {
        lock.lock();
        try {
            return buffer.total();
        } finally {
            lock.unlock();
        }
    }

    /** The text for the model, closing the log file. */
    String render() {
        lock.lock();
        try {
            closeLog();
            return buffer.render(cut -> {
                String where = log != null ? "the full output was saved to " + log.file()
                        + (log.capped() ? " (first " + OutputLog.MAX_CHARS + " characters)" : "")
                        : "the full output could not be saved" + (logProblem == null ? "" : ": " + logProblem);
                return "\n\n... [" + cut + " characters cut from the middle of the output; " + where + "] ...\n\n";
            });
        } finally {
            lock.unlock();
        }
    }

    java.util.Optional<Path> logFile() {
        lock.lock();
        try {
            return java.util.Optional.ofNullable(log).map(OutputLog::file);
        } finally {
            lock.unlock();
        }
    }

    private void closeLog() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException ignored) {
                // the content is already on disk or reported missing
            }
        }
    }
}
