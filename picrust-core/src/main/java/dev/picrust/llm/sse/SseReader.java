package dev.picrust.llm.sse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a {@code text/event-stream} body one event at a time (pull style, blocking).
 *
 * <p>Follows the WHATWG event-stream grammar: fields {@code event}, {@code data}, {@code id},
 * {@code retry}; one optional space after the colon; several {@code data} lines joined with
 * {@code \n}; lines starting with {@code :} are comments; lines end with CR, LF or CRLF; a blank
 * line dispatches; an event whose data is empty is not dispatched. A leading byte-order mark is
 * skipped.
 *
 * <p>One deliberate difference from WHATWG: at end of input the pending event (and an unterminated
 * last line) is still dispatched, because real recordings and several servers omit the final blank
 * line; the official Anthropic and OpenAI SDKs behave the same way.
 *
 * <p>Lines are split on the raw bytes CR and LF only, and then decoded as UTF-8 (malformed input
 * becomes U+FFFD). Multi-byte characters split across reads are therefore never corrupted, and
 * U+2028, U+2029 or U+0085 inside a JSON string never end a line.
 *
 * <p>Not thread-safe: one consumer reads it. {@link #close()} closes the underlying stream.
 */
public final class SseReader implements AutoCloseable {
    private static final int READ_SIZE = 2048;

    private final InputStream in;
    private final byte[] buffer = new byte[READ_SIZE];
    private int position;
    private int limit;
    private boolean endOfInput;
    private boolean previousLineEndedWithCr;
    private boolean atStreamStart = true;

    private byte[] line = new byte[256];
    private int lineLength;

    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private Duration reconnectionDelay;

    public SseReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /** The next event, or empty at end of input. Blocks until one is complete. */
    public Optional<SseEvent> next() throws IOException {
        while (true) {
            String text = readLine();
            if (text == null) {
                return dispatch();
            }
            if (text.isEmpty()) {
                Optional<SseEvent> event = dispatch();
                if (event.isPresent()) {
                    return event;
                }
            } else {
                processField(text);
            }
        }
    }

    /** The last {@code id:} seen (it persists across events), empty if none or reset. */
    public Optional<String> lastEventId() {
        return lastEventId.isEmpty() ? Optional.empty() : Optional.of(lastEventId);
    }

    /** The last valid {@code retry:} value seen, if any. */
    public Optional<Duration> reconnectionDelay() {
        return Optional.ofNullable(reconnectionDelay);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void processField(String text) {
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field;
        String value;
        if (colon < 0) {
            field = text;
            value = "";
        } else {
            field = text.substring(0, colon);
            int start = colon + 1;
            if (start < text.length() && text.charAt(start) == ' ') {
                start++;
            }
            value = text.substring(start);
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        reconnectionDelay = Duration.ofMillis(Long.parseLong(value));
                    } catch (NumberFormatException tooLarge) {
                        // A value beyond a long is not a usable delay; WHATWG ignores invalid values too.
                    }
                }
            }
            default -> {
                // Unknown fields are ignored by the grammar.
            }
        }
    }

    private Optional<SseEvent> dispatch() {
        if (data.isEmpty()) {
            eventType = "";
            return Optional.empty();
        }
        String payload = data.substring(0, data.length() - 1);
        String type = eventType.isEmpty() ? "message" : eventType;
        data.setLength(0);
        eventType = "";
        return Optional.of(new SseEvent(type, payload, lastEventId()));
    }

    /** The next line without its terminator, or null at end of input with nothing pending. */
    private String readLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (position == limit && !fill()) {
                // End of input: an unterminated last line still counts as a line.
                return lineLength > 0 ? decodeLine() : null;
            }
            if (previousLineEndedWithCr) {
                previousLineEndedWithCr = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            int end = position;
            while (end < limit && buffer[end] != '\n' && buffer[end] != '\r') {
                end++;
            }
            appendToLine(position, end - position);
            if (end == limit) {
                position = limit;
                continue;
            }
            previousLineEndedWithCr = buffer[end] == '\r';
            position = end + 1;
            return decodeLine();
        }
    }

    private boolean fill() throws IOException {
        if (endOfInput) {
            return false;
        }
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            endOfInput = true;
            position = limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        if (atStreamStart) {
            atStreamStart = false;
            skipByteOrderMark();
        }
        return true;
    }

    private void skipByteOrderMark() throws IOException {
        // The BOM is three bytes; make sure all three are buffered before deciding.
        while (limit < 3) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                endOfInput = true;
                break;
            }
            limit += n;
        }
        if (limit >= 3 && (buffer[0] & 0xFF) == 0xEF && (buffer[1] & 0xFF) == 0xBB && (buffer[2] & 0xFF) == 0xBF) {
            position = 3;
        }
    }

    private void appendToLine(int from, int count) {
        if (count == 0) {
            return;
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + count));
        }
        System.arraycopy(buffer, from, line, lineLength, count);
        lineLength += count;
    }

    private String decodeLine() {
        return new String(line, 0, lineLength, StandardCharsets.UTF_8);
    }
}
