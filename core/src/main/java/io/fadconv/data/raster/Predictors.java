package io.fadconv.data.raster;

import java.nio.ByteOrder;

/**
 * Undoes TIFF predictors on a decompressed block, in place: 2 (horizontal differencing of
 * 8/16/32-bit samples, per sample of a pixel) and 3 (the floating-point predictor of Adobe's
 * TIFF Technote 3: bytes of a row split into planes, most significant first, then differenced).
 */
final class Predictors {

    private Predictors() {}

    /**
     * Restores the samples of a block.
     *
     * @param predictor 1, 2 or 3
     * @param block rows of {@code width x samples} samples of {@code bytes} bytes each
     * @param width pixels per block row
     * @param rows rows in the block
     * @param samples samples per pixel in the block (1 for band-interleaved files)
     * @param bytes bytes per sample
     * @param order the file's byte order
     */
    static void undo(int predictor, byte[] block, int width, int rows, int samples, int bytes,
            ByteOrder order) {
        int rowBytes = width * samples * bytes;
        for (int r = 0; r < rows; r++) {
            int off = r * rowBytes;
            if (off + rowBytes > block.length) {
                return;
            }
            switch (predictor) {
                case 1 -> { }
                case 2 -> horizontal(block, off, width * samples, samples, bytes, order);
                case 3 -> floatingPoint(block, off, width * samples, samples, bytes, order);
                default -> throw new IllegalArgumentException("unsupported Predictor " + predictor);
            }
        }
    }

    private static void horizontal(byte[] b, int off, int count, int stride, int bytes,
            ByteOrder order) {
        boolean le = order == ByteOrder.LITTLE_ENDIAN;
        switch (bytes) {
            case 1 -> {
                for (int i = stride; i < count; i++) {
                    b[off + i] += b[off + i - stride];
                }
            }
            case 2 -> {
                for (int i = stride; i < count; i++) {
                    int at = off + 2 * i;
                    int prev = at - 2 * stride;
                    int v = get16(b, at, le) + get16(b, prev, le);
                    put16(b, at, v, le);
                }
            }
            case 4 -> {
                for (int i = stride; i < count; i++) {
                    int at = off + 4 * i;
                    int prev = at - 4 * stride;
                    put32(b, at, get32(b, at, le) + get32(b, prev, le), le);
                }
            }
            default -> throw new IllegalArgumentException("Predictor 2 with " + 8 * bytes
                    + "-bit samples is not supported");
        }
    }

    private static void floatingPoint(byte[] b, int off, int count, int stride, int bytes,
            ByteOrder order) {
        int n = count * bytes;
        for (int i = stride; i < n; i++) {
            b[off + i] += b[off + i - stride];
        }
        byte[] planes = new byte[n];
        System.arraycopy(b, off, planes, 0, n);
        boolean le = order == ByteOrder.LITTLE_ENDIAN;
        for (int s = 0; s < count; s++) {
            for (int k = 0; k < bytes; k++) {
                // plane k holds byte k of every sample, most significant byte first
                int dst = le ? bytes - 1 - k : k;
                b[off + s * bytes + dst] = planes[k * count + s];
            }
        }
    }

    private static int get16(byte[] b, int at, boolean le) {
        return le ? (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 : (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static void put16(byte[] b, int at, int v, boolean le) {
        if (le) {
            b[at] = (byte) v;
            b[at + 1] = (byte) (v >>> 8);
        } else {
            b[at] = (byte) (v >>> 8);
            b[at + 1] = (byte) v;
        }
    }

    private static int get32(byte[] b, int at, boolean le) {
        return le ? get16(b, at, true) | get16(b, at + 2, true) << 16
                : get16(b, at, false) << 16 | get16(b, at + 2, false);
    }

    private static void put32(byte[] b, int at, int v, boolean le) {
        if (le) {
            put16(b, at, v, true);
            put16(b, at + 2, v >>> 16, true);
        } else {
            put16(b, at, v >>> 16, false);
            put16(b, at + 2, v, false);
        }
    }

    /**
     * Applies predictor 2 (for the writer): the inverse of {@link #undo} with predictor 2.
     *
     * @param block rows of {@code width x samples} little-endian samples
     * @param width pixels per row
     * @param rows rows
     * @param samples samples per pixel
     * @param bytes bytes per sample (1, 2 or 4)
     */
    static void differenceLittleEndian(byte[] block, int width, int rows, int samples, int bytes) {
        int count = width * samples;
        for (int r = 0; r < rows; r++) {
            int off = r * count * bytes;
            for (int i = count - 1; i >= samples; i--) {
                int at = off + bytes * i;
                int prev = at - bytes * samples;
                switch (bytes) {
                    case 1 -> block[at] -= block[prev];
                    case 2 -> put16(block, at, get16(block, at, true) - get16(block, prev, true),
                            true);
                    default -> put32(block, at, get32(block, at, true) - get32(block, prev, true),
                            true);
                }
            }
        }
    }
}
