package dev.picrust.testkit;

import java.util.Optional;

/**
 * Where a request stands in a {@link ToolLoopResponder} conversation, read straight from the body
 * bytes: whether it asks for a stream ({@code "stream": true}) and how many assistant messages
 * follow the last user message that is a prompt rather than tool results. One pass over the bytes
 * with no tree, for a server under load that does not keep its requests.
 *
 * <p>The scan checks the JSON grammar as it goes and gives up (empty) on anything it does not
 * answer exactly as the tree path does ({@code ToolLoopResponder.apply} on the body Jackson
 * parses): non-ASCII bytes, escapes in the names and values it compares, a {@code stream} that is
 * not a boolean, a {@code role} that is not a string, deep nesting. The caller then parses the body.
 */
record ToolLoopPosition(boolean streaming, int step) {
    private static final int MAX_DEPTH = 256;

    /** The position, or empty when the body should be parsed the ordinary way. */
    static Optional<ToolLoopPosition> scan(byte[] body) {
        try {
            return Optional.ofNullable(new Scanner(body).topLevel());
        } catch (GiveUp e) {
            return Optional.empty();
        }
    }

    /** Thrown (without a stack trace) when the scan cannot answer. */
    private static final class GiveUp extends RuntimeException {
        private static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final class Scanner {
        private final byte[] bytes;
        private int at;
        /** Where the content of the string last read by {@link #string()} starts. */
        private int stringStart;

        Scanner(byte[] bytes) {
            this.bytes = bytes;
        }

        ToolLoopPosition topLevel() {
            skipWhitespace();
            expect('{');
            boolean streaming = false;
            int step = 0;
            if (!closes('}')) {
                do {
                    int nameEnd = string();
                    int nameStart = stringStart;
                    expectColon();
                    if (is(nameStart, nameEnd, "stream")) {
                        streaming = bool();
                    } else if (is(nameStart, nameEnd, "messages")) {
                        step = messages();
                    } else {
                        value(1);
                    }
                } while (commaOr('}'));
            }
            skipWhitespace();
            if (at != bytes.length) {
                throw GiveUp.INSTANCE; // trailing bytes: the tree path treats the body as text
            }
            return new ToolLoopPosition(streaming, step);
        }

        /** The step: assistant messages since the last plain prompt. A non-array is left to the tree path. */
        private int messages() {
            skipWhitespace();
            expect('[');
            int assistants = 0;
            if (closes(']')) {
                return 0;
            }
            do {
                switch (message()) {
                    case ASSISTANT -> assistants++;
                    case PROMPT -> assistants = 0;
                    case OTHER -> { }
                }
            } while (commaOr(']'));
            return assistants;
        }

        private enum Kind { ASSISTANT, PROMPT, OTHER }

        private Kind message() {
            skipWhitespace();
            expect('{');
            int roleStart = -1;
            int roleEnd = -1;
            boolean toolResults = false;
            if (!closes('}')) {
                do {
                    int nameEnd = string();
                    int nameStart = stringStart;
                    expectColon();
                    if (is(nameStart, nameEnd, "role")) {
                        skipWhitespace();
                        if (peek() != '"') {
                            throw GiveUp.INSTANCE;
                        }
                        roleEnd = string();
                        roleStart = stringStart;
                    } else if (is(nameStart, nameEnd, "content")) {
                        toolResults = content();
                    } else {
                        value(3);
                    }
                } while (commaOr('}'));
            }
            if (roleStart < 0) {
                return Kind.OTHER;
            }
            if (is(roleStart, roleEnd, "assistant")) {
                return Kind.ASSISTANT;
            }
            return is(roleStart, roleEnd, "user") && !toolResults ? Kind.PROMPT : Kind.OTHER;
        }

        /** Whether a content value is an array holding a block of type tool_result. */
        private boolean content() {
            skipWhitespace();
            if (peek() != '[') {
                value(3);
                return false;
            }
            at++;
            boolean toolResults = false;
            if (closes(']')) {
                return false;
            }
            do {
                skipWhitespace();
                if (peek() == '{') {
                    toolResults |= isToolResult();
                } else {
                    value(4);
                }
            } while (commaOr(']'));
            return toolResults;
        }

        private boolean isToolResult() {
            expect('{');
            boolean toolResult = false;
            if (closes('}')) {
                return false;
            }
            do {
                int nameEnd = string();
                int nameStart = stringStart;
                expectColon();
                skipWhitespace();
                if (is(nameStart, nameEnd, "type")) {
                    // The last "type" wins, as in the tree; a non-string type is never "tool_result".
                    if (peek() == '"') {
                        int typeEnd = string();
                        toolResult = is(stringStart, typeEnd, "tool_result");
                    } else {
                        value(5);
                        toolResult = false;
                    }
                } else {
                    value(5);
                }
            } while (commaOr('}'));
            return toolResult;
        }

        // ---- grammar

        /** Skips any value, checking its grammar. */
        private void value(int depth) {
            if (depth > MAX_DEPTH) {
                throw GiveUp.INSTANCE;
            }
            skipWhitespace();
            switch (peek()) {
                case '"' -> string();
                case '{' -> {
                    at++;
                    if (!closes('}')) {
                        do {
                            string();
                            expectColon();
                            value(depth + 1);
                        } while (commaOr('}'));
                    }
                }
                case '[' -> {
                    at++;
                    if (!closes(']')) {
                        do {
                            value(depth + 1);
                        } while (commaOr(']'));
                    }
                }
                case 't' -> literal("true");
                case 'f' -> literal("false");
                case 'n' -> literal("null");
                default -> number();
            }
        }

        private boolean bool() {
            skipWhitespace();
            if (peek() == 't') {
                literal("true");
                return true;
            }
            if (peek() == 'f') {
                literal("false");
                return false;
            }
            throw GiveUp.INSTANCE; // asBoolean() reads numbers and strings too; leave those to the tree
        }

        /**
         * Skips a string; returns the index of its closing quote. Its content is
         * {@code [stringStart, end)}.
         */
        private int string() {
            skipWhitespace();
            expect('"');
            byte[] b = bytes;
            int i = at;
            stringStart = i;
            while (true) {
                if (i >= b.length) {
                    throw GiveUp.INSTANCE;
                }
                byte c = b[i];
                if (c == '"') {
                    at = i + 1;
                    return i;
                }
                if (c == '\\') {
                    i = escape(i + 1);
                } else if (c < 0x20) {
                    throw GiveUp.INSTANCE; // control characters (and, as bytes are signed, non-ASCII)
                } else {
                    i++;
                }
            }
        }

        private int escape(int i) {
            if (i >= bytes.length) {
                throw GiveUp.INSTANCE;
            }
            switch (bytes[i]) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                    return i + 1;
                }
                case 'u' -> {
                    if (i + 4 >= bytes.length) {
                        throw GiveUp.INSTANCE;
                    }
                    for (int k = i + 1; k <= i + 4; k++) {
                        if (Character.digit(bytes[k], 16) < 0) {
                            throw GiveUp.INSTANCE;
                        }
                    }
                    return i + 5;
                }
                default -> throw GiveUp.INSTANCE;
            }
        }

        private void number() {
            int start = at;
            if (at < bytes.length && bytes[at] == '-') {
                at++;
            }
            if (at < bytes.length && bytes[at] == '0') {
                at++;
            } else if (digits() == 0) {
                throw GiveUp.INSTANCE;
            }
            if (at < bytes.length && bytes[at] == '.') {
                at++;
                if (digits() == 0) {
                    throw GiveUp.INSTANCE;
                }
            }
            if (at < bytes.length && (bytes[at] == 'e' || bytes[at] == 'E')) {
                at++;
                if (at < bytes.length && (bytes[at] == '+' || bytes[at] == '-')) {
                    at++;
                }
                if (digits() == 0) {
                    throw GiveUp.INSTANCE;
                }
            }
            if (at - start > 100) {
                throw GiveUp.INSTANCE; // leave very long numbers to Jackson's limits
            }
        }

        private int digits() {
            int start = at;
            while (at < bytes.length && bytes[at] >= '0' && bytes[at] <= '9') {
                at++;
            }
            return at - start;
        }

        private void literal(String word) {
            if (at + word.length() > bytes.length) {
                throw GiveUp.INSTANCE;
            }
            for (int k = 0; k < word.length(); k++) {
                if (bytes[at + k] != word.charAt(k)) {
                    throw GiveUp.INSTANCE;
                }
            }
            at += word.length();
            if (at < bytes.length && Character.isLetterOrDigit(bytes[at])) {
                throw GiveUp.INSTANCE;
            }
        }

        /** After a member or element: true on a comma, false on {@code close}. */
        private boolean commaOr(char close) {
            skipWhitespace();
            byte c = peek();
            at++;
            if (c == ',') {
                return true;
            }
            if (c == close) {
                return false;
            }
            throw GiveUp.INSTANCE;
        }

        /** Consumes {@code close} if it comes next (an empty object or array). */
        private boolean closes(char close) {
            skipWhitespace();
            if (peek() == close) {
                at++;
                return true;
            }
            return false;
        }

        private void expectColon() {
            skipWhitespace();
            expect(':');
        }

        private void expect(char c) {
            if (peek() != c) {
                throw GiveUp.INSTANCE;
            }
            at++;
        }

        private byte peek() {
            if (at >= bytes.length) {
                throw GiveUp.INSTANCE;
            }
            return bytes[at];
        }

        private void skipWhitespace() {
            while (at < bytes.length) {
                byte c = bytes[at];
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                at++;
            }
        }

        /** Whether the string content {@code [start, end)} is exactly {@code word}. */
        private boolean is(int start, int end, String word) {
            for (int k = start; k < end; k++) {
                if (bytes[k] == '\\') {
                    throw GiveUp.INSTANCE; // an escaped name or value might still spell the word
                }
            }
            if (end - start != word.length()) {
                return false;
            }
            for (int k = 0; k < word.length(); k++) {
                if (bytes[start + k] != word.charAt(k)) {
                    return false;
                }
            }
            return true;
        }
    }
}
