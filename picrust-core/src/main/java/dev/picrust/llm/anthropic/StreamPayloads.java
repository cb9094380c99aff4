package dev.picrust.llm.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.picrust.json.Json;
import java.io.IOException;
import java.io.Reader;
import java.util.Optional;

/**
 * Reads the JSON payloads of a stream's events with one Jackson parser instead of one per event. A
 * parser, its contexts, buffers and symbol table cost more than reading a 100-byte event; a
 * streamed answer is dozens of them, and they usually arrive in bursts.
 *
 * <p>The parser holds pooled buffers, so it is {@link #close closed} whenever the stream is about
 * to wait for the network: thousands of streams waiting on a slow model hold none.
 *
 * <p>Each document is fed to the parser after a newline, as if the documents were one input of
 * root-level values. A document is accepted only when its one value was read to the end and
 * nothing but whitespace follows it. Anything else (not JSON, truncated, trailing text, a second
 * value, a scalar) gives empty, the parser is dropped, and the caller reads that document on its
 * own the usual way, which reports exactly what is wrong; the next document starts a fresh parser.
 *
 * <p>Not thread-safe: one stream's reader uses it.
 */
final class StreamPayloads implements AutoCloseable {
    /** How a document's value is read: from the parser positioned on the value's first token. */
    @FunctionalInterface
    interface Reading<T> {
        /** Reads the value at {@code parser}'s current token through its end; null: not this shape. */
        T read(JsonParser parser) throws IOException;
    }

    private final Feed feed = new Feed();
    private JsonParser parser;

    /**
     * Reads one document's object with {@code reading}; empty when the document is not one JSON
     * object, or {@code reading} answered null (a shape it does not take).
     */
    <T> Optional<T> read(String document, Reading<T> reading) {
        try {
            if (parser == null) {
                feed.restart();
                parser = Json.FACTORY.createParser(feed);
            }
            long start = feed.next(document);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                drop();
                return Optional.empty();
            }
            T value = reading.read(parser);
            if (value == null || parser.currentToken() != JsonToken.END_OBJECT || !parser.getParsingContext().inRoot()
                    || !onlyWhitespaceAfter(document, parser.currentLocation().getCharOffset() - start)) {
                drop();
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (IOException | RuntimeException e) {
            drop();
            return Optional.empty();
        }
    }

    /** A document's object as a tree; empty as {@link #read}. */
    Optional<com.fasterxml.jackson.databind.JsonNode> tree(String document) {
        return read(document, Json::tree);
    }

    private static boolean onlyWhitespaceAfter(String document, long consumed) {
        if (consumed < 0 || consumed > document.length()) {
            return false;
        }
        for (int i = (int) consumed; i < document.length(); i++) {
            char c = document.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Gives the parser's buffers back; the next payload starts a fresh parser. */
    @Override
    public void close() {
        drop();
    }

    private void drop() {
        if (parser != null) {
            try {
                parser.close();
            } catch (IOException ignored) {
                // nothing is open beyond the feed
            }
            parser = null;
        }
    }

    /**
     * A newline, then the current document; end of input after that (a parser that asks for more is
     * in the middle of a broken document, and is dropped). Counts what it delivered, so a document's
     * offset in the parser's input is known: whatever of the last document the parser did not read
     * was whitespace, and is skipped.
     */
    private static final class Feed extends Reader {
        private String document = "";
        /** -1: the newline before the document is still to come. */
        private int position;
        private long delivered;

        void restart() {
            document = "";
            position = 0;
            delivered = 0;
        }

        /** Starts {@code text}; returns the offset of its first character in the parser's input. */
        long next(String text) {
            document = text;
            position = -1;
            return delivered + 1;
        }

        @Override
        public int read(char[] into, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position < 0) {
                into[offset] = '\n';
                position = 0;
                delivered++;
                return 1;
            }
            int left = document.length() - position;
            if (left <= 0) {
                return -1;
            }
            int n = Math.min(left, length);
            document.getChars(position, position + n, into, offset);
            position += n;
            delivered += n;
            return n;
        }

        @Override
        public void close() {
            // The documents are strings: nothing to release.
        }
    }
}
