package dev.picrust.llm.sse;

import dev.picrust.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

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
 * <p>Fields are recognised on the raw bytes and only values are decoded, once each: an event's
 * data is one string when it has one {@code data} line (the usual case), and the event names of
 * the Anthropic stream are shared constants.
 *
 * <p>Keep-alives: a reader made with an idle timeout fails with a {@link SocketTimeoutException}
 * when keep-alive traffic (comment lines, {@code ping} events) is all that arrived for longer than
 * that timeout, so a server that pings forever without content does not hold its reader forever. The
 * check runs as keep-alives arrive: a server that sends nothing at all is the byte stream's timeout
 * to catch.
 *
 * <p>Not thread-safe: one consumer reads it. {@link #close()} closes the underlying stream.
 */
public final class SseReader implements AutoCloseable {
    private static final int READ_SIZE = 2048;
    /**
     * The longest line read, in bytes: the longest JSON document we parse ({@link Json#MAX_DOCUMENT_BYTES}),
     * so no event the parser could take is refused, and a server that never ends a line costs at most this.
     */
    static final int MAX_LINE_BYTES = (int) Json.MAX_DOCUMENT_BYTES;
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] DATA = ascii("data");
    private static final byte[] EVENT = ascii("event");
    private static final byte[] ID = ascii("id");
    private static final byte[] RETRY = ascii("retry");
    /** Event names decoded without allocating; any other name is decoded as usual. */
    private static final String[] KNOWN_EVENTS = {"content_block_delta", "content_block_start", "content_block_stop",
            "message_start", "message_delta", "message_stop", "ping", "error", "message"};
    private static final byte[][] KNOWN_EVENT_BYTES = Stream.of(KNOWN_EVENTS)
            .map(SseReader::ascii).toArray(byte[][]::new);

    private final InputStream in;
    private final byte[] buffer = new byte[READ_SIZE];
    private int position;
    private int limit;
    private boolean endOfInput;
    private boolean previousLineEndedWithCr;
    private boolean atStreamStart = true;

    /** Holds a line only when it spans reads; a line inside the buffer is read in place. */
    private byte[] line = EMPTY;
    private int lineLength;
    /** The current line: {@code lineBytes[lineStart, lineStart + lineLength)}. */
    private byte[] lineBytes;
    private int lineStart;

    /** The first data line's value; {@link #data} joins them once there is a second. */
    private String firstData;
    private int dataLines;
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private Optional<String> lastEventId = Optional.empty();
    private Duration reconnectionDelay;
    /** 0: keep-alives are never too many. */
    private final long idleNanos;
    private long lastContentNanos;

    public SseReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
        this.idleNanos = 0;
    }

    /** A reader that fails when only keep-alives (comments, {@code ping} events) came for longer than {@code idleTimeout}. */
    public SseReader(InputStream in, Duration idleTimeout) {
        this.in = Objects.requireNonNull(in, "in");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        this.idleNanos = idleTimeout.toNanos();
        this.lastContentNanos = System.nanoTime();
    }

    /**
     * Whether bytes are already here to read, in this reader or the stream below it: a hint that
     * {@link #next} will not wait for the network (it may still, for an event's missing rest).
     */
    public boolean ready() {
        try {
            return position < limit || in.available() > 0;
        } catch (IOException e) {
            return false;  // next() reports it
        }
    }

    /**
     * The next event, or empty at end of input. Blocks until one is complete.
     *
     * @throws SocketTimeoutException when only keep-alives came for longer than the idle timeout
     */
    public Optional<SseEvent> next() throws IOException {
        while (true) {
            if (!readLine()) {
                return counted(dispatch());
            }
            if (lineLength == 0) {
                Optional<SseEvent> event = counted(dispatch());
                if (event.isPresent()) {
                    return event;
                }
            } else if (lineBytes[lineStart] == ':') {
                keepAlive();  // a comment: what several servers send to keep a quiet connection open
            } else {
                processField();
            }
        }
    }

    private Optional<SseEvent> counted(Optional<SseEvent> event) throws SocketTimeoutException {
        if (idleNanos > 0 && event.isPresent()) {
            if (event.get().event().equals("ping")) {
                keepAlive();
            } else {
                lastContentNanos = System.nanoTime();
            }
        }
        return event;
    }

    private void keepAlive() throws SocketTimeoutException {
        if (idleNanos > 0 && System.nanoTime() - lastContentNanos >= idleNanos) {
            throw new SocketTimeoutException("stalled: only keep-alive pings, no content, for "
                    + idleNanos / 1_000_000 + " ms");
        }
    }

    /** The last {@code id:} seen (it persists across events), empty if none or reset. */
    public Optional<String> lastEventId() {
        return lastEventId;
    }

    /** The last valid {@code retry:} value seen, if any. */
    public Optional<Duration> reconnectionDelay() {
        return Optional.ofNullable(reconnectionDelay);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void processField() {
        byte[] bytes = lineBytes;
        int start = lineStart;
        int end = start + lineLength;
        if (bytes[start] == ':') {
            return;
        }
        // ':' and ' ' are ASCII, so they are never part of a multi-byte (or malformed) UTF-8 sequence.
        int colon = start;
        while (colon < end && bytes[colon] != ':') {
            colon++;
        }
        int valueStart = colon == end ? end : colon + 1;
        if (valueStart < end && bytes[valueStart] == ' ') {
            valueStart++;
        }
        int fieldLength = colon - start;
        if (is(DATA, bytes, start, fieldLength)) {
            String value = decode(bytes, valueStart, end);
            if (dataLines == 0) {
                firstData = value;
            } else {
                if (dataLines == 1) {
                    data.setLength(0);
                    data.append(firstData);
                }
                data.append('\n').append(value);
            }
            dataLines++;
        } else if (is(EVENT, bytes, start, fieldLength)) {
            eventType = eventName(bytes, valueStart, end);
        } else if (is(ID, bytes, start, fieldLength)) {
            String value = decode(bytes, valueStart, end);
            if (value.indexOf('\0') < 0) {
                lastEventId = value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        } else if (is(RETRY, bytes, start, fieldLength)) {
            String value = decode(bytes, valueStart, end);
            if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                try {
                    reconnectionDelay = Duration.ofMillis(Long.parseLong(value));
                } catch (NumberFormatException tooLarge) {
                    // A value beyond a long is not a usable delay; WHATWG ignores invalid values too.
                }
            }
        }
        // Unknown fields are ignored by the grammar.
    }

    private Optional<SseEvent> dispatch() {
        if (dataLines == 0) {
            eventType = "";
            return Optional.empty();
        }
        String payload = dataLines == 1 ? firstData : data.toString();
        String type = eventType.isEmpty() ? "message" : eventType;
        firstData = null;
        dataLines = 0;
        eventType = "";
        return Optional.of(new SseEvent(type, payload, lastEventId));
    }

    /**
     * Reads the next line, without its terminator, into {@link #lineBytes}; false at end of input
     * with nothing pending.
     */
    private boolean readLine() throws IOException {
        lineLength = 0;
        lineBytes = line;
        lineStart = 0;
        while (true) {
            if (position == limit && !fill()) {
                // End of input: an unterminated last line still counts as a line.
                return lineLength > 0;
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
            if (end == limit) {
                appendToLine(position, end - position);
                position = limit;
                continue;
            }
            if (lineLength == 0) {
                lineBytes = buffer;
                lineStart = position;
                lineLength = end - position;
            } else {
                appendToLine(position, end - position);
            }
            previousLineEndedWithCr = buffer[end] == '\r';
            position = end + 1;
            return true;
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

    private void appendToLine(int from, int count) throws IOException {
        if (count == 0) {
            return;
        }
        if (lineLength + count > line.length) {
            if ((long) lineLength + count > MAX_LINE_BYTES) {
                throw new IOException("a server-sent event line is longer than " + MAX_LINE_BYTES
                        + " bytes; the stream is abandoned rather than read into an unbounded heap");
            }
            line = Arrays.copyOf(line, (int) Math.min(MAX_LINE_BYTES,
                    Math.max(Math.max((long) line.length * 2, 256), lineLength + count)));
        }
        System.arraycopy(buffer, from, line, lineLength, count);
        lineLength += count;
        lineBytes = line;
    }

    private static String eventName(byte[] bytes, int from, int to) {
        int length = to - from;
        for (int i = 0; i < KNOWN_EVENT_BYTES.length; i++) {
            if (is(KNOWN_EVENT_BYTES[i], bytes, from, length)) {
                return KNOWN_EVENTS[i];
            }
        }
        return decode(bytes, from, to);
    }

    private static boolean is(byte[] name, byte[] bytes, int from, int length) {
        return length == name.length && Arrays.equals(name, 0, length, bytes, from, from + length);
    }

    private static String decode(byte[] bytes, int from, int to) {
        return from == to ? "" : new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
