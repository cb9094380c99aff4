package dev.picrust.tool.builtin;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * How a text file's bytes map to characters: UTF-8 (with or without a byte order mark), UTF-16 with
 * a BOM, or ISO-8859-1 for anything that is not valid UTF-8. ISO-8859-1 maps every byte to one
 * character and back, so a file in an unknown 8-bit encoding survives an edit byte for byte outside
 * the changed text.
 */
record TextEncoding(Charset charset, byte[] bom) {
    static final TextEncoding UTF_8 = new TextEncoding(StandardCharsets.UTF_8, new byte[0]);
    static final TextEncoding UTF_8_BOM = new TextEncoding(StandardCharsets.UTF_8,
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    static final TextEncoding LATIN_1 = new TextEncoding(StandardCharsets.ISO_8859_1, new byte[0]);

    /**
     * Detects the encoding from {@code sample}, the first bytes of the file ({@code complete} if it
     * is the whole file: then a multi-byte sequence cut at the end is an error, not a truncation).
     */
    static TextEncoding detect(byte[] sample, int length, boolean complete) {
        if (startsWith(sample, length, 0xEF, 0xBB, 0xBF)) {
            return UTF_8_BOM;
        }
        if (startsWith(sample, length, 0xFF, 0xFE)) {
            return new TextEncoding(StandardCharsets.UTF_16LE, new byte[] {(byte) 0xFF, (byte) 0xFE});
        }
        if (startsWith(sample, length, 0xFE, 0xFF)) {
            return new TextEncoding(StandardCharsets.UTF_16BE, new byte[] {(byte) 0xFE, (byte) 0xFF});
        }
        return isValidUtf8(sample, length, complete) ? UTF_8 : LATIN_1;
    }

    boolean isUtf16() {
        return charset == StandardCharsets.UTF_16LE || charset == StandardCharsets.UTF_16BE;
    }

    String displayName() {
        String base = charset == StandardCharsets.ISO_8859_1 ? "ISO-8859-1 (Latin-1)" : charset.name();
        return bom.length > 0 ? base + " with BOM" : base;
    }

    /** Decodes a whole file's bytes (BOM skipped); never fails: malformed input is replaced. */
    String decode(byte[] bytes) {
        int skip = startsWithBom(bytes) ? bom.length : 0;
        return new String(bytes, skip, bytes.length - skip, charset);
    }

    /** Encodes text with this encoding's BOM. */
    byte[] encode(String text) throws CharacterCodingException {
        ByteBuffer body = charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(text));
        byte[] out = new byte[bom.length + body.remaining()];
        System.arraycopy(bom, 0, out, 0, bom.length);
        body.get(out, bom.length, body.remaining());
        return out;
    }

    boolean canEncode(String text) {
        return charset.newEncoder().canEncode(text);
    }

    private boolean startsWithBom(byte[] bytes) {
        if (bytes.length < bom.length) {
            return false;
        }
        for (int i = 0; i < bom.length; i++) {
            if (bytes[i] != bom[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] sample, int length, int... prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((sample[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidUtf8(byte[] sample, int length, boolean complete) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(sample, 0, length);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, complete);
            if (result.isError()) {
                return false;
            }
            if (result.isOverflow()) {
                out.clear();
                continue;
            }
            // Underflow: all input used, or a sequence cut by the end of an incomplete sample.
            if (complete) {
                return !decoder.flush(out).isError();
            }
            return in.remaining() < 4;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TextEncoding that && charset.equals(that.charset)
                && java.util.Arrays.equals(bom, that.bom);
    }

    @Override
    public int hashCode() {
        return charset.hashCode() * 31 + java.util.Arrays.hashCode(bom);
    }

    @Override
    public String toString() {
        return displayName();
    }
}
