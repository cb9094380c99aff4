package dev.picrust.llm.anthropic;

import java.util.Optional;

/**
 * A {@code content_block_delta}, {@code content_block_stop}, {@code ping} or {@code message_stop}
 * payload, read by a small scanner instead of a Jackson tree (or even a Jackson parser, whose
 * set-up alone allocates more than such an event holds): these are nearly all of a stream's
 * events, and each carries at most an index and one string.
 *
 * <p>{@link #read} accepts only a strict subset of JSON: one object whose members are
 * {@code type} (a string), {@code index} (an integer in int range) and {@code delta} (an object
 * whose members are the strings {@code type}, {@code text}, {@code thinking}, {@code signature} and
 * {@code partial_json}); names without escapes; a repeated member counts the last time, as in a
 * tree. Anything else, valid JSON or not (other members, other value kinds, a
 * {@code citations_delta}, trailing data), gives empty, and the caller reads the event as a tree,
 * which decides it exactly as before. So this never accepts text the tree route would reject.
 *
 * @param hasIndex  whether the payload had an {@code index}
 * @param deltaType the delta's {@code type}, empty if none
 * @param deltaText the string the delta type carries ({@code text}, {@code thinking},
 *                  {@code signature} or {@code partial_json}), empty if absent
 */
record BlockEvent(boolean hasIndex, int index, String deltaType, String deltaText) {
    /** Far above any delta; longer payloads go the tree way, which applies Jackson's read limits. */
    private static final int MAX_LENGTH = 1 << 20;

    static Optional<BlockEvent> read(String data) {
        if (data.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        return Optional.ofNullable(new Scanner(data).event());
    }

    /** One pass over the payload; each step answers null, false or Long.MIN_VALUE once the text leaves the subset. */
    private static final class Scanner {
        private static final String[] MEMBERS = {"type", "index", "delta"};
        private static final String[] DELTA_MEMBERS = {"type", "text", "partial_json", "thinking", "signature"};

        private final String json;
        private int at;
        private boolean hasIndex;
        private int index;
        private String deltaType;
        private String text;
        private String thinking;
        private String signature;
        private String partialJson;

        Scanner(String json) {
            this.json = json;
        }

        BlockEvent event() {
            if (!object(false)) {
                return null;
            }
            skipWhitespace();
            if (at != json.length()) {
                return null;
            }
            if (deltaType == null) {
                return new BlockEvent(hasIndex, index, "", "");
            }
            if (deltaType.equals("citations_delta")) {
                // It carries an object, which the tree route copies.
                return null;
            }
            String carried = switch (deltaType) {
                case "text_delta" -> text;
                case "thinking_delta" -> thinking;
                case "signature_delta" -> signature;
                case "input_json_delta" -> partialJson;
                default -> "";
            };
            return new BlockEvent(hasIndex, index, deltaType, carried == null ? "" : carried);
        }

        /** Reads the top-level object ({@code inDelta} false) or the delta object. */
        private boolean object(boolean inDelta) {
            skipWhitespace();
            if (!take('{')) {
                return false;
            }
            if (inDelta) {
                // A repeated delta replaces the earlier one entirely, as in a tree.
                deltaType = "";
                text = thinking = signature = partialJson = null;
            }
            skipWhitespace();
            if (take('}')) {
                return true;
            }
            while (true) {
                String name = name(inDelta ? DELTA_MEMBERS : MEMBERS);
                if (name == null) {
                    return false;
                }
                skipWhitespace();
                if (!take(':')) {
                    return false;
                }
                skipWhitespace();
                if (!(inDelta ? deltaMember(name) : member(name))) {
                    return false;
                }
                skipWhitespace();
                if (take('}')) {
                    return true;
                }
                if (!take(',')) {
                    return false;
                }
                skipWhitespace();
            }
        }

        private boolean member(String name) {
            switch (name) {
                case "type" -> {
                    return string() != null;
                }
                case "index" -> {
                    long value = integer();
                    if (value == Long.MIN_VALUE) {
                        return false;
                    }
                    hasIndex = true;
                    index = (int) value;
                    return true;
                }
                case "delta" -> {
                    return object(true);
                }
                default -> {
                    return false;
                }
            }
        }

        private boolean deltaMember(String name) {
            String value;
            switch (name) {
                case "type", "text", "thinking", "signature", "partial_json" -> value = string();
                default -> {
                    return false;
                }
            }
            if (value == null) {
                return false;
            }
            switch (name) {
                case "type" -> deltaType = value;
                case "text" -> text = value;
                case "thinking" -> thinking = value;
                case "signature" -> signature = value;
                default -> partialJson = value;
            }
            return true;
        }

        /** The known member name at this point (one of {@code names}), without allocating; null otherwise. */
        private String name(String[] names) {
            if (!take('"')) {
                return null;
            }
            int start = at;
            while (at < json.length()) {
                char c = json.charAt(at);
                if (c == '"') {
                    int length = at++ - start;
                    for (String name : names) {
                        if (name.length() == length && json.regionMatches(start, name, 0, length)) {
                            return name;
                        }
                    }
                    return null;
                }
                if (c == '\\' || c < 0x20) {
                    return null;
                }
                at++;
            }
            return null;
        }

        /** A string value; escapes as JSON defines them, no raw control characters. */
        private String string() {
            if (!take('"')) {
                return null;
            }
            int start = at;
            while (at < json.length()) {
                char c = json.charAt(at);
                if (c == '"') {
                    return json.substring(start, at++);
                }
                if (c == '\\') {
                    return escapedRest(start);
                }
                if (c < 0x20) {
                    return null;
                }
                at++;
            }
            return null;
        }

        private String escapedRest(int start) {
            StringBuilder out = new StringBuilder(json.length() - start);
            out.append(json, start, at);
            while (at < json.length()) {
                char c = json.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    return null;
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (at >= json.length()) {
                    return null;
                }
                char e = json.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > json.length()) {
                            return null;
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(json.charAt(at++), 16);
                            if (digit < 0) {
                                return null;
                            }
                            code = code * 16 + digit;
                        }
                        out.append((char) code);
                    }
                    default -> {
                        return null;
                    }
                }
            }
            return null;
        }

        /** A JSON integer in int range, or {@link Long#MIN_VALUE}. */
        private long integer() {
            boolean negative = take('-');
            int digitsStart = at;
            long value = 0;
            while (at < json.length() && json.charAt(at) >= '0' && json.charAt(at) <= '9') {
                value = value * 10 + (json.charAt(at) - '0');
                at++;
                if (at - digitsStart > 10) {
                    return Long.MIN_VALUE;
                }
            }
            int digits = at - digitsStart;
            if (digits == 0 || (digits > 1 && json.charAt(digitsStart) == '0')) {
                return Long.MIN_VALUE;
            }
            if (at < json.length()) {
                char next = json.charAt(at);
                if (next == '.' || next == 'e' || next == 'E') {
                    return Long.MIN_VALUE;
                }
            }
            value = negative ? -value : value;
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                return Long.MIN_VALUE;
            }
            return value;
        }

        private boolean take(char expected) {
            if (at < json.length() && json.charAt(at) == expected) {
                at++;
                return true;
            }
            return false;
        }

        private void skipWhitespace() {
            while (at < json.length()) {
                char c = json.charAt(at);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                at++;
            }
        }
    }
}
