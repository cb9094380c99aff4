package dev.picrust.llm.sse;

import java.io.InputStream;
import java.util.Arrays;

/** Hands out a byte array in reads of chosen sizes, to put read boundaries at awkward places. */
final class ChunkedInputStream extends InputStream {
    private final byte[] bytes;
    private final int[] cuts;
    private int position;
    private int nextCut;

    /** Reads end at each of {@code cuts} (ascending offsets), then at the end. */
    static ChunkedInputStream cutAt(byte[] bytes, int... cuts) {
        return new ChunkedInputStream(bytes, cuts);
    }

    /** Every read returns at most {@code size} bytes. */
    static ChunkedInputStream everyN(byte[] bytes, int size) {
        int[] cuts = new int[Math.max(0, (bytes.length - 1) / size)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (i + 1) * size;
        }
        return new ChunkedInputStream(bytes, cuts);
    }

    private ChunkedInputStream(byte[] bytes, int[] cuts) {
        this.bytes = bytes.clone();
        this.cuts = Arrays.copyOf(cuts, cuts.length);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= bytes.length) {
            return -1;
        }
        while (nextCut < cuts.length && cuts[nextCut] <= position) {
            nextCut++;
        }
        int end = nextCut < cuts.length ? cuts[nextCut] : bytes.length;
        int n = Math.min(len, end - position);
        System.arraycopy(bytes, position, b, off, n);
        position += n;
        return n;
    }
}
