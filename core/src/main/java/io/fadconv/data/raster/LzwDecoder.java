package io.fadconv.data.raster;

/**
 * TIFF's LZW (TIFF 6.0 section 13): codes of 9 to 12 bits, most significant bit first, 256 clear,
 * 257 end of information, the code width growing one code early as libtiff writes it.
 */
final class LzwDecoder {

    private static final int CLEAR = 256;
    private static final int END = 257;
    private static final int MAX_CODES = 4096;

    private final short[] prefix = new short[MAX_CODES];
    private final byte[] suffix = new byte[MAX_CODES];
    private final short[] length = new short[MAX_CODES];
    private final byte[] first = new byte[MAX_CODES];

    LzwDecoder() {
        for (int i = 0; i < 256; i++) {
            suffix[i] = (byte) i;
            first[i] = (byte) i;
            length[i] = 1;
            prefix[i] = -1;
        }
    }

    /**
     * Decodes one strip or tile.
     *
     * @param src the compressed bytes
     * @param out receives the decoded bytes; decoding stops when it is full
     * @return the number of bytes decoded
     */
    int decode(byte[] src, byte[] out) {
        if (src.length >= 2 && src[0] == 0 && (src[1] & 1) == 1) {
            throw new IllegalArgumentException("old-style (pre-TIFF 6.0) LZW is not supported; "
                    + "convert with gdal_translate -co COMPRESS=DEFLATE IN.tif OUT.tif");
        }
        long bitPos = 0;
        long bits = (long) src.length * 8;
        int width = 9;
        int next = 258;
        int old = -1;
        int pos = 0;
        while (pos < out.length && bitPos + width <= bits) {
            int code = read(src, bitPos, width);
            bitPos += width;
            if (code == END) {
                break;
            }
            if (code == CLEAR) {
                width = 9;
                next = 258;
                old = -1;
                continue;
            }
            if (old < 0) {
                if (code >= 256) {
                    throw new IllegalArgumentException("corrupt LZW data: code " + code
                            + " after a clear code");
                }
                out[pos++] = (byte) code;
                old = code;
                continue;
            }
            if (code < next) {
                pos = emit(code, out, pos);
            } else if (code == next && next < MAX_CODES) {
                pos = emit(old, out, pos);
                if (pos < out.length) {
                    out[pos++] = first[old];
                }
            } else {
                throw new IllegalArgumentException("corrupt LZW data: code " + code
                        + " before it was defined (next " + next + ")");
            }
            if (next < MAX_CODES) {
                prefix[next] = (short) old;
                suffix[next] = first[code < next ? code : old];
                first[next] = first[old];
                length[next] = (short) (length[old] + 1);
                next++;
                if (next >= (1 << width) - 1 && width < 12) {
                    width++;
                }
            }
            old = code;
        }
        return pos;
    }

    /** Writes the string of a code at {@code pos}, truncated to the output. */
    private int emit(int code, byte[] out, int pos) {
        int len = length[code];
        int end = Math.min(out.length, pos + len);
        int c = code;
        for (int i = pos + len - 1; i >= pos; i--) {
            if (i < end) {
                out[i] = suffix[c];
            }
            c = prefix[c];
        }
        return end;
    }

    private static int read(byte[] src, long bitPos, int width) {
        int byteIndex = (int) (bitPos >>> 3);
        int v = (src[byteIndex] & 0xFF) << 16;
        if (byteIndex + 1 < src.length) {
            v |= (src[byteIndex + 1] & 0xFF) << 8;
        }
        if (byteIndex + 2 < src.length) {
            v |= src[byteIndex + 2] & 0xFF;
        }
        int shift = 24 - (int) (bitPos & 7) - width;
        return (v >>> shift) & ((1 << width) - 1);
    }
}
