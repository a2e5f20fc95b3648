package io.fadconv.viz;

import io.fadconv.nn.AdaptivePooling;
import io.fadconv.nn.DctBasis;

/**
 * The maps of the paper's Figure 2, for one feature channel: keep the top-left {@code n x n}
 * coefficients of its 2D DCT and transform back, giving the low-frequency "frequency attention"
 * map; the GAP map is the special case {@code n = 1}, the DC coefficient alone, which is the
 * channel mean everywhere (FcaNet's observation that GAP is the lowest DCT frequency).
 *
 * <p>The DCT is the FADConv reference's ({@link DctBasis}: {@code D[x][u] = cos((2x + 1) u pi /
 * (2p)) / p} on each axis, so {@code F(0, 0)} is the mean). Its inverse is
 * {@code f(x, y) = sum_u sum_v a_u a_v F(u, v) cos((2x + 1) u pi / (2p)) cos(...)} with
 * {@code a_0 = 1} and {@code a_u = 2} otherwise, evaluated at any resolution by taking x as a
 * continuous position, which makes the inverse a smooth interpolation.
 */
public final class FrequencyMaps {

    private FrequencyMaps() {}

    /**
     * The top-left {@code n x n} DCT coefficients of a map.
     *
     * @param map row-major values
     * @param height rows (the DCT size along y)
     * @param width columns (the DCT size along x)
     * @param n the block size (at most min(height, width))
     * @return {@code C[v][u]}, v the vertical and u the horizontal frequency
     */
    public static double[][] lowFrequencies(double[] map, int height, int width, int n) {
        return coefficients(map, height, width, n, n);
    }

    /**
     * The top-left {@code nv x nu} DCT coefficients of a map ({@code height x width} gives the
     * whole transform).
     *
     * @param map row-major values
     * @param height rows (the DCT size along y)
     * @param width columns (the DCT size along x)
     * @param nv vertical frequencies kept, 1 to height
     * @param nu horizontal frequencies kept, 1 to width
     * @return {@code C[v][u]}
     */
    public static double[][] coefficients(double[] map, int height, int width, int nv, int nu) {
        if (nv < 1 || nv > height || nu < 1 || nu > width) {
            throw new IllegalArgumentException("a " + width + "x" + height + " map has at most "
                    + height + " x " + width + " DCT coefficients, asked for " + nv + " x " + nu);
        }
        double[][] dy = DctBasis.full(height);
        double[][] dx = DctBasis.full(width);
        // Rows first: r[y][u] = sum_x f(y, x) D_w[x][u]; then C[v][u] = sum_y D_h[y][v] r[y][u].
        double[][] rows = new double[height][nu];
        for (int y = 0; y < height; y++) {
            for (int u = 0; u < nu; u++) {
                double s = 0;
                for (int x = 0; x < width; x++) {
                    s += map[y * width + x] * dx[x][u];
                }
                rows[y][u] = s;
            }
        }
        double[][] c = new double[nv][nu];
        for (int v = 0; v < nv; v++) {
            for (int u = 0; u < nu; u++) {
                double s = 0;
                for (int y = 0; y < height; y++) {
                    s += dy[y][v] * rows[y][u];
                }
                c[v][u] = s;
            }
        }
        return c;
    }

    /**
     * The inverse DCT of a block of coefficients (the rest taken as 0), sampled on an
     * {@code outHeight x outWidth} grid covering the same extent: at the original size it is
     * the exact inverse.
     *
     * @param coefficients {@code C[v][u]} from {@link #lowFrequencies}
     * @param height the DCT size along y
     * @param width the DCT size along x
     * @param outHeight rows to produce
     * @param outWidth columns to produce
     * @return row-major values
     */
    public static double[] inverse(double[][] coefficients, int height, int width, int outHeight,
            int outWidth) {
        int nv = coefficients.length;
        int nu = coefficients[0].length;
        double[][] cy = basisAt(height, outHeight, nv);
        double[][] cx = basisAt(width, outWidth, nu);
        double[] out = new double[outHeight * outWidth];
        double[] tmp = new double[nu];
        for (int y = 0; y < outHeight; y++) {
            for (int u = 0; u < nu; u++) {
                double s = 0;
                for (int v = 0; v < nv; v++) {
                    s += cy[y][v] * coefficients[v][u];
                }
                tmp[u] = s;
            }
            for (int x = 0; x < outWidth; x++) {
                double s = 0;
                for (int u = 0; u < nu; u++) {
                    s += cx[x][u] * tmp[u];
                }
                out[y * outWidth + x] = s;
            }
        }
        return out;
    }

    /** {@code a_u cos((2x' + 1) u pi / (2p))} at the centres x' of {@code out} cells over p. */
    private static double[][] basisAt(int p, int out, int n) {
        double[][] b = new double[out][n];
        for (int i = 0; i < out; i++) {
            double x = (i + 0.5) * p / out - 0.5;
            for (int u = 0; u < n; u++) {
                b[i][u] = (u == 0 ? 1 : 2) * Math.cos((2 * x + 1) * u * Math.PI / (2.0 * p));
            }
        }
        return b;
    }

    /**
     * Adaptive average pooling to {@code p x p}, PyTorch's bins ({@code floor(i H / p)} to
     * {@code ceil((i + 1) H / p)}), as FAT pools feature maps before its DCT.
     *
     * @param map row-major values
     * @param height rows
     * @param width columns
     * @param p the pooled size
     * @return {@code p x p} values
     */
    public static double[] pool(double[] map, int height, int width, int p) {
        double[] out = new double[p * p];
        for (int i = 0; i < p; i++) {
            int y0 = AdaptivePooling.start(i, height, p);
            int y1 = AdaptivePooling.end(i, height, p);
            for (int j = 0; j < p; j++) {
                int x0 = AdaptivePooling.start(j, width, p);
                int x1 = AdaptivePooling.end(j, width, p);
                double s = 0;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        s += map[y * width + x];
                    }
                }
                out[i * p + j] = s / ((y1 - y0) * (x1 - x0));
            }
        }
        return out;
    }

    /**
     * The frequency attention map of a channel: its top-left {@code n x n} DCT block (of the
     * channel itself, or of its {@code pool x pool} adaptive average when {@code pool > 0})
     * transformed back and sampled on an {@code outHeight x outWidth} grid.
     *
     * @param map row-major values of the channel
     * @param height rows
     * @param width columns
     * @param n the block size (the paper's figure: 4)
     * @param pool 0 for the DCT of the whole channel, or FAT's pool size p
     * @param outHeight rows to produce
     * @param outWidth columns to produce
     * @return row-major values
     */
    public static double[] attention(double[] map, int height, int width, int n, int pool,
            int outHeight, int outWidth) {
        double[] src = pool > 0 ? pool(map, height, width, pool) : map;
        int h = pool > 0 ? pool : height;
        int w = pool > 0 ? pool : width;
        return inverse(lowFrequencies(src, h, w, n), h, w, outHeight, outWidth);
    }
}
