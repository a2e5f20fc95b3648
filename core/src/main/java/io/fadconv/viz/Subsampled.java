package io.fadconv.viz;

import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.Window;
import java.io.IOException;

/**
 * Reads a raster of any size at a reduced resolution for previews: every {@code f}-th pixel of
 * every {@code f}-th row (nearest neighbour), strip by strip, so memory is the preview plus one
 * strip of 64 or so rows.
 */
final class Subsampled {

    private static final int STRIP_ROWS = 64;

    private Subsampled() {}

    /**
     * The subsampling factor that brings the longer side to at most {@code maxSize}.
     *
     * @param width raster width
     * @param height raster height
     * @param maxSize the longest preview side
     * @return 1 or more
     */
    static int factor(int width, int height, int maxSize) {
        return Math.max(1, (Math.max(width, height) + maxSize - 1) / maxSize);
    }

    /**
     * A caption saying how a preview was subsampled.
     *
     * @param factor the factor
     * @return the caption, or null at full resolution
     */
    static String caption(int factor) {
        return factor > 1 ? "shown at 1:" + factor + " (one pixel in " + factor
                + " along each axis; the GeoTIFF has them all)" : null;
    }

    static int size(int n, int factor) {
        return (n + factor - 1) / factor;
    }

    /**
     * Float values of some bands.
     *
     * @return {@code bands x size(h) x size(w)}, band-sequential
     */
    static float[] floats(RasterReader r, int factor, int[] bands) throws IOException {
        int w = r.info().width();
        int h = r.info().height();
        int pw = size(w, factor);
        int ph = size(h, factor);
        float[] out = new float[bands.length * pw * ph];
        int rows = Math.max(1, STRIP_ROWS / factor) * factor;
        for (int y0 = 0; y0 < h; y0 += rows) {
            Window s = new Window(0, y0, w, Math.min(rows, h - y0));
            float[] v = r.readWindow(s, bands);
            int n = (int) s.pixels();
            for (int y = 0; y < s.height(); y += factor) {
                int py = (y0 + y) / factor;
                for (int b = 0; b < bands.length; b++) {
                    for (int x = 0, px = 0; x < w; x += factor, px++) {
                        out[(b * ph + py) * pw + px] = v[b * n + y * w + x];
                    }
                }
            }
        }
        return out;
    }

    /**
     * Integer values of a one-band raster; {@code counts} gets the count of every value over all
     * pixels (not only the sampled ones).
     *
     * @return {@code size(h) x size(w)} values
     */
    static int[] ints(RasterReader r, int factor, long[] counts) throws IOException {
        int w = r.info().width();
        int h = r.info().height();
        int pw = size(w, factor);
        int ph = size(h, factor);
        int[] out = new int[pw * ph];
        int rows = Math.max(1, STRIP_ROWS / factor) * factor;
        for (int y0 = 0; y0 < h; y0 += rows) {
            Window s = new Window(0, y0, w, Math.min(rows, h - y0));
            int[] v = r.readWindowInts(s, 0);
            for (int value : v) {
                counts[value & 0xFF]++;
            }
            for (int y = 0; y < s.height(); y += factor) {
                int py = (y0 + y) / factor;
                for (int x = 0, px = 0; x < w; x += factor, px++) {
                    out[py * pw + px] = v[y * w + x];
                }
            }
        }
        return out;
    }
}
